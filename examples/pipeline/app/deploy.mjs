// The deploy step: it gets the deploy key as APP_DEPLOY_KEY, and nothing else.
const key = process.env.APP_DEPLOY_KEY;
if (!key) {
  console.error('no APP_DEPLOY_KEY');
  process.exit(3);
}
console.log(`deploying with key ${key} (GH_TOKEN given: ${process.env.GH_TOKEN ? 'yes' : 'no'})`);
