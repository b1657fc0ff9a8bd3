// The deploy step: it gets the deploy key as APP_DEPLOY_KEY, and nothing else.
const key = process.env.APP_DEPLOY_KEY;
if (!key) {
  process.stderr.write('no APP_DEPLOY_KEY\n');
  process.exit(3);
}
process.stdout.write(`deploying with key ${key} (GH_TOKEN given: ${process.env.GH_TOKEN ? 'yes' : 'no'})\n`);
