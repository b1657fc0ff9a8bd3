const AdmZip = require('adm-zip');
const fs = require('fs');
const path = require('path');
const unzipper = require('unzipper');

function extract(zipPath, dest) {
  const zip = new AdmZip(zipPath);
  for (const entry of zip.getEntries()) {
    fs.writeFileSync(path.join(dest, entry.entryName), entry.getData()); // vuln
  }
}

function extractSafe(zipPath, dest) {
  const zip = new AdmZip(zipPath);
  for (const entry of zip.getEntries()) {
    const out = path.resolve(dest, entry.entryName);
    if (!out.startsWith(path.resolve(dest) + path.sep)) continue;
    fs.writeFileSync(out, entry.getData()); // safe
  }
}

fs.createReadStream('a.zip').pipe(unzipper.Parse()).on('entry', (entry) => {
  entry.pipe(fs.createWriteStream(path.join('/tmp/out', entry.path))); // vuln
});
module.exports = { extract, extractSafe };
