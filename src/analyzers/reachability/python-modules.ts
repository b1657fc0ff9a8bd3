/**
 * The top-level modules a PyPI distribution installs, for the distributions whose import name is not their
 * normalised name (what each one's `top_level.txt` lists). Any other distribution is imported by its PEP 503 name
 * with `-` and `.` read as `_` (`Flask-Cors` → `flask_cors`) or, for namespace packages, as `.`
 * (`google-cloud-storage` → `google.cloud.storage`, `zope.interface`).
 */
const KNOWN: Record<string, string[]> = {
  attrs: ['attr', 'attrs'],
  'azure-storage-blob': ['azure.storage.blob'],
  beautifulsoup4: ['bs4'],
  'django-cors-headers': ['corsheaders'],
  djangorestframework: ['rest_framework'],
  'djangorestframework-simplejwt': ['rest_framework_simplejwt'],
  dnspython: ['dns'],
  'email-validator': ['email_validator'],
  'ecdsa': ['ecdsa'],
  'faiss-cpu': ['faiss'],
  'faiss-gpu': ['faiss'],
  gitpython: ['git'],
  'google-api-python-client': ['googleapiclient', 'apiclient'],
  'grpcio': ['grpc'],
  'grpcio-tools': ['grpc_tools'],
  ipython: ['IPython'],
  'jinja2': ['jinja2'],
  'msgpack-python': ['msgpack'],
  mysqlclient: ['MySQLdb'],
  'mysql-connector-python': ['mysql.connector', 'mysql'],
  'opencv-python': ['cv2'],
  'opencv-python-headless': ['cv2'],
  'opencv-contrib-python': ['cv2'],
  'paho-mqtt': ['paho.mqtt', 'paho'],
  pillow: ['PIL'],
  protobuf: ['google.protobuf'],
  'psycopg2-binary': ['psycopg2'],
  'pycrypto': ['Crypto'],
  pycryptodome: ['Crypto'],
  pycryptodomex: ['Cryptodome'],
  pyjwt: ['jwt'],
  pymongo: ['pymongo', 'bson', 'gridfs'],
  pynacl: ['nacl'],
  pyopenssl: ['OpenSSL'],
  pysaml2: ['saml2'],
  pyserial: ['serial'],
  'python-dateutil': ['dateutil'],
  'python-docx': ['docx'],
  'python-dotenv': ['dotenv'],
  'python-jose': ['jose'],
  'python-ldap': ['ldap', 'ldif', 'ldapurl'],
  'python-magic': ['magic'],
  'python-multipart': ['multipart', 'python_multipart'],
  'python-pptx': ['pptx'],
  'python-snappy': ['snappy'],
  'python-socketio': ['socketio'],
  'python-engineio': ['engineio'],
  pywin32: ['win32api', 'win32con', 'win32com', 'pywintypes'],
  pyyaml: ['yaml', '_yaml'],
  'ruamel-yaml': ['ruamel.yaml'],
  'scikit-learn': ['sklearn'],
  'scikit-image': ['skimage'],
  setuptools: ['setuptools', 'pkg_resources', '_distutils_hack'],
  'tensorflow-gpu': ['tensorflow'],
  'tensorflow-cpu': ['tensorflow'],
  'typing-extensions': ['typing_extensions'],
  'websocket-client': ['websocket'],
  'pyasn1-modules': ['pyasn1_modules'],
  'markdown': ['markdown'],
  'py-yaml': ['yaml'],
  'apache-airflow': ['airflow'],
  'sentry-sdk': ['sentry_sdk'],
  'twisted': ['twisted'],
  'pdfminer-six': ['pdfminer'],
  'pypdf2': ['PyPDF2'],
  'lxml': ['lxml'],
  'aiohttp': ['aiohttp'],
  'ujson': ['ujson'],
  'requests-oauthlib': ['requests_oauthlib'],
};

/** PEP 503 normalised name. */
function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The module paths (`yaml`, `google.cloud.storage`) importing a distribution is seen as. */
export function pythonModulesOf(dist: string): string[] {
  const n = pep503(dist);
  const known = KNOWN[n];
  if (known) return known;
  return [...new Set([n.replace(/-/g, '_'), n.replace(/-/g, '.'), dist.replace(/-/g, '_')])];
}

/** Is a module path (`yaml.constructor`) inside one of `modules` (`yaml`)? */
export function inPythonModule(path: string, modules: string[]): boolean {
  return modules.some((m) => path === m || path.startsWith(`${m}.`));
}
