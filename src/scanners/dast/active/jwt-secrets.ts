/**
 * The bundled offline wordlist of HMAC secrets seen in tutorials, framework defaults and leaked configs. Tried
 * locally against the session token's signature: no request is sent for it.
 */
export const JWT_SECRETS: readonly string[] = [
  'secret', 'Secret', 'SECRET', 'secret123', 'secret1', 'secretkey', 'secret_key', 'secret-key', 'secretKey', 'mysecret', 'my_secret', 'mysecretkey',
  'my-secret', 'my-secret-key', 'my_secret_key', 'jwt', 'jwtsecret', 'jwt_secret', 'jwt-secret', 'jwtSecret', 'JWT_SECRET', 'jwtkey', 'jwt_key',
  'your-256-bit-secret', 'your-384-bit-secret', 'your-512-bit-secret', 'your_jwt_secret', 'your-secret-key', 'yoursecretkey', 'changeme',
  'change_me', 'change-me', 'changethis', 'CHANGEME', 'password', 'Password', 'password1', 'password123', 'pass', 'passw0rd', 'admin', 'admin123',
  '123456', '1234567890', '12345678', 'qwerty', 'letmein', 'test', 'testing', 'test123', 'dev', 'development', 'default', 'key', 'Key',
  'private', 'privatekey', 'private_key', 'token', 'tokensecret', 'token_secret', 'auth', 'authsecret', 'auth_secret', 'supersecret',
  'super_secret', 'super-secret', 'supersecretkey', 's3cr3t', 's3cret', 'shhhhh', 'shhhhhared-secret', 'keyboard cat', 'keyboardcat',
  'hello', 'helloworld', 'hello world', 'example', 'sample', 'demo', 'app', 'appsecret', 'app_secret', 'application', 'server', 'nodejs',
  'express', 'django-insecure', 'flask', 'rails', 'laravel', 'spring', 'gin', 'api', 'apisecret', 'api_secret', 'apikey', 'api_key',
  'session', 'sessionsecret', 'session_secret', 'cookie', 'cookiesecret', 'signing', 'signingkey', 'signing_key', 'hmac', 'hmacsecret',
  'HS256', 'hs256', 'abc123', 'abcdef', 'abcdefg', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'iloveyou', 'monkey', 'dragon', 'master',
  'root', 'toor', 'guest', 'user', 'null', 'undefined', 'none', 'true', 'false', '0', '1', 'a', 'x', 'xxx', 'foo', 'bar', 'foobar', 'baz',
  'gpt', 'openai', 'pipeguard', 'secretsecret', 'topsecret', 'top_secret', 'classified', 'confidential', 'notsecret', 'not-a-secret',
  'insecure', 'unsafe', 'weak', 'tempsecret', 'temp', 'tmp', 'local', 'localhost', 'staging', 'prod', 'production',
];
