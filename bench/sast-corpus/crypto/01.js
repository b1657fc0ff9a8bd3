const crypto = require('crypto');
function hashPassword(password) {
  return crypto.createHash('md5').update(password).digest('hex'); // vuln
}
function hashPassword2(password) {
  return crypto.createHash('sha1').update(password).digest('hex'); // vuln
}
function checksum(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex'); // safe
}
function encrypt(text, key) {
  const cipher = crypto.createCipher('aes-256-cbc', key); // vuln
  return cipher.update(text, 'utf8', 'hex') + cipher.final('hex');
}
function encrypt2(text, key) {
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv); // safe
  return Buffer.concat([iv, cipher.update(text), cipher.final()]);
}
function encrypt3(text, key) {
  const iv = Buffer.alloc(16, 0);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv); // vuln
  return cipher.update(text, 'utf8', 'hex') + cipher.final('hex');
}
function encrypt4(text, key) {
  const cipher = crypto.createCipheriv('des-ede3', key, null); // vuln
  return cipher.update(text, 'utf8', 'hex');
}
function ecb(text, key) {
  return crypto.createCipheriv('aes-128-ecb', key, null).update(text); // vuln
}
function token() {
  return Math.random().toString(36).slice(2); // vuln
}
function resetToken() {
  return crypto.randomBytes(32).toString('hex'); // safe
}
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }); // vuln
const { privateKey: pk2 } = crypto.generateKeyPairSync('rsa', { modulusLength: 4096 }); // safe
function compare(a, b) {
  return crypto.pbkdf2Sync(a, 'salt', 1, 32, 'sha256'); // vuln
}
module.exports = { hashPassword, hashPassword2, checksum, encrypt, encrypt2, encrypt3, encrypt4, ecb, token, resetToken, privateKey, pk2, compare };
