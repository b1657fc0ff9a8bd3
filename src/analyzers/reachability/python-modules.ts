/**
 * The top-level modules a PyPI distribution installs, for the distributions whose import name is not their
 * normalised name (what each one's `top_level.txt` lists). Any other distribution is imported by its PEP 503 name
 * with `-` and `.` read as `_` (`Flask-Cors` → `flask_cors`) or, for namespace packages, as `.`
 * (`google-cloud-storage` → `google.cloud.storage`, `zope.interface`).
 */
const KNOWN: Record<string, string[]> = {
  'ansible-core': ['ansible'],
  'apache-airflow': ['airflow'],
  attrs: ['attr', 'attrs'],
  beautifulsoup4: ['bs4'],
  'django-allauth': ['allauth'],
  'django-cors-headers': ['corsheaders'],
  'django-crispy-forms': ['crispy_forms'],
  'django-debug-toolbar': ['debug_toolbar'],
  'django-environ': ['environ'],
  'django-filter': ['django_filters'],
  'django-guardian': ['guardian'],
  'django-storages': ['storages'],
  djangorestframework: ['rest_framework'],
  'djangorestframework-simplejwt': ['rest_framework_simplejwt'],
  dnspython: ['dns'],
  'faiss-cpu': ['faiss'],
  'faiss-gpu': ['faiss'],
  'fonttools': ['fontTools'],
  'gdal': ['osgeo'],
  gitpython: ['git'],
  'google-api-python-client': ['googleapiclient', 'apiclient'],
  'googleapis-common-protos': ['google.api', 'google.rpc', 'google.type'],
  'grpcio': ['grpc'],
  'grpcio-tools': ['grpc_tools'],
  ipython: ['IPython'],
  'kafka-python': ['kafka'],
  'msgpack-python': ['msgpack'],
  'mysql-connector-python': ['mysql.connector', 'mysql'],
  mysqlclient: ['MySQLdb'],
  'opencv-contrib-python': ['cv2'],
  'opencv-python': ['cv2'],
  'opencv-python-headless': ['cv2'],
  'paho-mqtt': ['paho.mqtt', 'paho'],
  'pdfminer-six': ['pdfminer'],
  pillow: ['PIL'],
  protobuf: ['google.protobuf'],
  'psycopg2-binary': ['psycopg2'],
  'py-yaml': ['yaml'],
  'pycrypto': ['Crypto'],
  pycryptodome: ['Crypto'],
  pycryptodomex: ['Cryptodome'],
  'pygithub': ['github'],
  'pyhamcrest': ['hamcrest'],
  pyjwt: ['jwt'],
  pymongo: ['pymongo', 'bson', 'gridfs'],
  pynacl: ['nacl'],
  pyopenssl: ['OpenSSL'],
  'pypdf2': ['PyPDF2'],
  pysaml2: ['saml2'],
  pyserial: ['serial'],
  'python-dateutil': ['dateutil'],
  'python-docx': ['docx'],
  'python-dotenv': ['dotenv'],
  'python-engineio': ['engineio'],
  'python-gitlab': ['gitlab'],
  'python-gnupg': ['gnupg'],
  'python-jose': ['jose'],
  'python-json-logger': ['pythonjsonlogger'],
  'python-keycloak': ['keycloak'],
  'python-ldap': ['ldap', 'ldif', 'ldapurl'],
  'python-levenshtein': ['Levenshtein'],
  'python-magic': ['magic'],
  'python-multipart': ['multipart', 'python_multipart'],
  'python-pptx': ['pptx'],
  'python-slugify': ['slugify'],
  'python-snappy': ['snappy'],
  'python-socketio': ['socketio'],
  'python-telegram-bot': ['telegram'],
  'pywavelets': ['pywt'],
  pywin32: ['win32api', 'win32con', 'win32com', 'pywintypes'],
  pyyaml: ['yaml', '_yaml'],
  'pyzmq': ['zmq'],
  'scikit-image': ['skimage'],
  'scikit-learn': ['sklearn'],
  setuptools: ['setuptools', 'pkg_resources', '_distutils_hack'],
  'tensorflow-cpu': ['tensorflow'],
  'tensorflow-gpu': ['tensorflow'],
  'web-py': ['web'],
  'websocket-client': ['websocket'],
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
