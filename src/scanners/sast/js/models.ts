import { ALL_CLASSES, NUMERIC_CLEARS, type SinkClass } from './classes.js';

/**
 * Library knowledge as data: one row per API, `package  access-path  kind  [args]  [options]`.
 *
 * - package: an npm/Node module name (`child_process`, `axios`), `global` for globals, or `*` for a method of any
 *   receiver (then `recv=<regex>` limits which receivers, matched against the receiver's source text).
 * - access path: dot path below the module's export (`exec`, `promises.readFile` is written `readFile`: `fs/promises`
 *   and `fs.promises` are folded into `fs`); empty (`.`) for calling the module itself (`axios(url)`); a `new `
 *   prefix for constructors.
 * - kind: `sink:<class>`, `sanitizer:<class>[,<class>...]` (`*` = every class), `source:<label>`, `clean` (the result
 *   carries no taint at all).
 * - args: which arguments a sink reads (`0`, `0,1`, `*` every argument, `last`).
 * - options: `recv=<regex>`; `opt=<key>:<value>` (the sink only fires when an options object argument has that key
 *   set to that literal, e.g. `opt=noent:true`; `opt=<key>:~<text>` when the value's source text contains `<text>`);
 *   `unless=<key>` (the sink does not fire when an options object argument sets that key, e.g. `sendFile`'s `root`);
 *   `first=<regex>` (the sink only fires when the first argument is a string literal matching, case-insensitive, e.g.
 *   a header name); `has=<regex>` (the sink only fires when an array literal argument holds a string literal
 *   matching, e.g. git's `clone`); `field=<name>` (the sink reads that property of an object argument, e.g. `Location` of
 *   `writeHead`'s headers); `str` (the sink needs a string-shaped value, not an object literal).
 *
 * Adding an npm API is one line here. Rows are our own, written from each library's public documentation.
 */
export const MODEL_ROWS: readonly string[] = [
  // OS commands
  'child_process exec sink:command 0',
  'child_process execSync sink:command 0',
  'child_process spawn sink:command 0',
  'child_process spawnSync sink:command 0',
  'child_process execFile sink:command 0',
  'child_process execFileSync sink:command 0',
  'child_process fork sink:command 0',
  'execa . sink:command 0',
  'execa execa sink:command 0',
  'execa execaCommand sink:command 0',
  'execa command sink:command 0',
  'shelljs exec sink:command 0',
  'cross-spawn . sink:command 0',
  'cross-spawn sync sink:command 0',
  'shelljs exec sink:command 0',
  'execa execaSync sink:command 0',
  // a shell given the script as an argument (`spawn('sh', ['-c', cmd])`), or `shell: true` joining the arguments
  'child_process spawn sink:command 1 first=^(/bin/|/usr/bin/)?(sh|bash|zsh|dash|ksh|cmd|cmd\\.exe|powershell|pwsh)$',
  'child_process spawnSync sink:command 1 first=^(/bin/|/usr/bin/)?(sh|bash|zsh|dash|ksh|cmd|cmd\\.exe|powershell|pwsh)$',
  'child_process execFile sink:command 1 first=^(/bin/|/usr/bin/)?(sh|bash|zsh|dash|ksh|cmd|cmd\\.exe|powershell|pwsh)$',
  'child_process execFileSync sink:command 1 first=^(/bin/|/usr/bin/)?(sh|bash|zsh|dash|ksh|cmd|cmd\\.exe|powershell|pwsh)$',
  'child_process spawn sink:command 1 opt=shell:true', 'child_process spawnSync sink:command 1 opt=shell:true',
  'execa . sink:command 1 first=^(/bin/|/usr/bin/)?(sh|bash|zsh|cmd|powershell)$', 'execa $ sink:command 0',
  'zx $ sink:command 0', 'shelljs exec sink:command 0',
  'execa execaCommandSync sink:command 0',
  'execa commandSync sink:command 0',
  // code
  'global eval sink:code 0',
  // the same eval reached through the global object (`window.eval(...)`, `globalThis.eval(...)`)
  'global window.eval sink:code 0', 'global globalThis.eval sink:code 0', 'global self.eval sink:code 0',
  'global new:Function sink:code *',
  'global Function sink:code *',
  'global setTimeout sink:code 0 str',
  'global setInterval sink:code 0 str',
  'vm runInThisContext sink:code 0',
  'vm runInNewContext sink:code 0',
  'vm runInContext sink:code 0',
  'vm compileFunction sink:code 0',
  // input placed in the context object a script runs against: vm is no security boundary, and code given an
  // attacker-chosen object (a getter, a `constructor`, a string it evaluates) runs it with the host's rights
  // (when the fixed code names none of the context's fields: what it names is judged as if written in place, calls.ts)
  'vm runInContext sink:code 1', 'vm runInNewContext sink:code 1', 'vm compileFunction sink:code 2 field=parsingContext',
  'vm new:Script sink:code 0',
  // ES module source text compiled and linked by vm (`new vm.SourceTextModule(code)`)
  'vm new:SourceTextModule sink:code 0',
  'vm2 VM().run sink:code 0', 'vm2 NodeVM().run sink:code 0', 'vm2 new:VMScript sink:code 0',
  'safe-eval . sink:code 0', 'static-eval . sink:code 0',
  // math expression evaluators: mathjs before 4 ran arbitrary code from an expression (CVE-2017-1001002/1001003) and
  // later versions still expose functions and resource exhaustion to whoever writes the expression
  'mathjs eval sink:code 0', 'mathjs evaluate sink:code 0', 'mathjs compile sink:code 0',
  'mathjs create().eval sink:code 0', 'mathjs create().evaluate sink:code 0', 'mathjs create().compile sink:code 0',
  // server-side templates compiled from input (template injection runs code)
  'ejs render sink:code 0', 'ejs compile sink:code 0', 'pug render sink:code 0', 'pug compile sink:code 0',
  'handlebars compile sink:code 0', 'nunjucks renderString sink:code 0', 'lodash template sink:code 0',
  'mustache render sink:code 0', 'dot template sink:code 0',
  // what the engines render from data is escaped (`{{x}}`, `#{x}`, `<%= x %>`)
  'handlebars compile() sanitizer:xss', 'pug compile() sanitizer:xss', 'pug render sanitizer:xss', 'pug renderFile sanitizer:xss',
  'ejs render sanitizer:xss', 'nunjucks render sanitizer:xss', 'nunjucks renderString sanitizer:xss', 'mustache render sanitizer:xss',
  // headless browsers: code evaluated in the page, pages opened at input URLs
  '* evaluate sink:code 0 str recv=(^|\\.)(page|frame|tab)$',
  '* evaluateHandle sink:code 0 str recv=(^|\\.)(page|frame|tab)$',
  '* addScriptTag sink:code 0 recv=(^|\\.)(page|frame|tab)$',
  '* goto sink:ssrf 0 recv=(^|\\.)(page|frame|tab)$',
  '* setContent sink:xss 0 recv=(^|\\.)(page|frame|tab)$',
  // SQL: raw query APIs of drivers and ORMs; the first argument is the SQL text, bound values go elsewhere
  '* query sink:sql 0 recv=(^|\\.)(db|database|conn|connection|pool|client|knex|sequelize|mysql|pg|sql|trx|tx|pgClient|em|manager|entityManager|dataSource|queryRunner|repository|repo)$',
  '* execute sink:sql 0 recv=(^|\\.)(db|database|conn|connection|pool|client|mysql|sql|trx|tx|em|manager|queryRunner)$',
  '* exec sink:sql 0 recv=(^|\\.)(db|database|sqlite|conn)$',
  '* prepare sink:sql 0 recv=(^|\\.)(db|database|sqlite|conn|connection)$',
  '* run sink:sql 0 recv=(^|\\.)(db|database|sqlite)$',
  '* all sink:sql 0 recv=(^|\\.)(db|database|sqlite)$',
  '* get sink:sql 0 recv=(^|\\.)(db|database|sqlite)$',
  '* each sink:sql 0 recv=(^|\\.)(db|database|sqlite)$',
  '* raw sink:sql 0 recv=(^|\\.)(knex|db|trx|k|connection|database|conn|pg|mysql)$',
  '* whereRaw sink:sql 0',
  '* orWhereRaw sink:sql 0',
  '* havingRaw sink:sql 0',
  '* orderByRaw sink:sql 0',
  '* groupByRaw sink:sql 0',
  '* joinRaw sink:sql 0',
  '* fromRaw sink:sql 0',
  '* selectRaw sink:sql 0',
  '* $queryRawUnsafe sink:sql 0',
  // mssql requests, pg's `{ text }` query objects, Oracle and Sequelize instances named otherwise
  '* query sink:sql 0 recv=(^|\\.)(request|sqlRequest|req2|ps|new\\w*\\.Request\\(.*\\)|\\w*\\.request\\(\\))$',
  '* batch sink:sql 0 recv=(^|\\.)(request|sqlRequest)$', '* execute sink:sql 0 recv=(^|\\.)(oracle|oracledb|ora|session)$',
  '* $executeRawUnsafe sink:sql 0',
  '* literal sink:sql 0 recv=(^|\\.)(sequelize|Sequelize)$',
  // NoSQL: filter objects of MongoDB drivers and Mongoose models
  '* find sink:nosql 0 recv=(^|\\.)([A-Z]\\w*|\\w*[cC]ollection|users|db\\.\\w+|coll|model)$',
  '* findOne sink:nosql 0',
  '* findOneAndReplace sink:nosql 0',
  // the legacy driver's and NeDB/MarsDB's `update(query, update, { multi })` on a collection (not Sequelize's
  // `Model.update(values, { where })`, whose first argument is the new values)
  '* update sink:nosql 0 recv=(^|\\.)(\\w*[cC]ollection|coll)$',
  // collections as fields of a database handle, mongojs/NeDB/shell style (`db.reviews.update(query, { $set })`); not
  // when an argument has `where` (Sequelize models and Prisma delegates hung on a `db` object: values or `{ where, data }`)
  '* update sink:nosql 0 unless=where recv=(^|\\.)\\w*[dD]b\\.[a-z]\\w*$',
  '* findOneAndRemove sink:nosql 0',
  '* replaceOne sink:nosql 0',
  '* remove sink:nosql 0 recv=(^|\\.)([A-Z]\\w*|\\w*[cC]ollection|coll|model)$',
  '* where sink:nosql 0 recv=(^|\\.)([A-Z]\\w*|\\w*[cC]ollection|coll|model)$',
  '* count sink:nosql 0 recv=(^|\\.)([A-Z]\\w*|\\w*[cC]ollection|coll)$',
  '* distinct sink:nosql 1 recv=(^|\\.)([A-Z]\\w*|\\w*[cC]ollection|coll|model)$',
  '* findByIdAndUpdate sink:nosql 1',
  '* findOneAndUpdate sink:nosql 1',
  '* updateOne sink:nosql 1',
  '* updateMany sink:nosql 1',
  '* mapReduce sink:code 0',
  '* findOneAndUpdate sink:nosql 0',
  '* findOneAndDelete sink:nosql 0',
  '* updateOne sink:nosql 0',
  '* updateMany sink:nosql 0',
  '* deleteOne sink:nosql 0',
  '* deleteMany sink:nosql 0',
  '* countDocuments sink:nosql 0',
  '* $where sink:code 0',
  // MongoDB driver collections reached through `db.collection('x')` and Mongoose aggregation pipelines
  '* find sink:nosql 0 recv=(collection|model)\\(.*\\)$', '* remove sink:nosql 0 recv=(collection|model)\\(.*\\)$',
  '* count sink:nosql 0 recv=(collection|model)\\(.*\\)$', '* aggregate sink:nosql 0 recv=(^|\\.)([A-Z]\\w*|\\w*[cC]ollection|coll|model)$|(collection|model)\\(.*\\)$',
  '* findOneAndUpdate sink:nosql 1', '* replaceOne sink:nosql 1', '* bulkWrite sink:nosql 0',
  // query builders of SQL ORMs: a string condition is SQL text (object conditions are bound)
  '* where sink:sql 0 str recv=(createQueryBuilder\\(.*\\)|[qQ]ueryBuilder|^qb|\\.(select|from|leftJoin\\w*|innerJoin\\w*)\\(.*\\))$',
  '* andWhere sink:sql 0 str', '* orWhere sink:sql 0 str recv=(createQueryBuilder\\(.*\\)|[qQ]ueryBuilder|^qb|\\)$)',
  '* orderBy sink:sql 0 str recv=(createQueryBuilder\\(.*\\)|[qQ]ueryBuilder|^qb)$', '* having sink:sql 0 str recv=(createQueryBuilder\\(.*\\)|[qQ]ueryBuilder|^qb)$',
  '* $queryRaw sink:sql 0 str', '* $executeRaw sink:sql 0 str', '* unsafe sink:sql 0 recv=(^|\\.)(sql|db|postgres)$',
  // XPath and LDAP queries built from input
  'xpath select sink:xpath 0', 'xpath select1 sink:xpath 0', 'xpath evaluate sink:xpath 0', 'xpath useNamespaces().select sink:xpath 0',
  'global document.evaluate sink:xpath 0', '* selectNodes sink:xpath 0', '* selectSingleNode sink:xpath 0', '* find sink:xpath 0 recv=(^|\\.)(xmlDoc|doc|xml|document|root)$',
  'xpath.js . sink:xpath 1', 'fontoxpath evaluateXPath sink:xpath 0', 'fontoxpath evaluateXPathToNodes sink:xpath 0', 'fontoxpath evaluateXPathToString sink:xpath 0',
  '* search sink:ldap 0,1 recv=(^|\\.)(client|ldap|ldapClient|ldapjs|ad|conn)$',
  'ldapjs parseFilter sink:ldap 0', 'ldapjs createClient().search sink:ldap 0,1', '* findUser sink:ldap 0 recv=(^|\\.)(ad|activeDirectory|ldap)$',
  '* bind sink:ldap 0 recv=(^|\\.)(client|ldap|ldapClient)$', 'ldap-escape filter sanitizer:ldap', 'ldap-escape dn sanitizer:ldap', 'ldapjs new:EqualityFilter clean',
  'xpath-escape . sanitizer:xpath',
  // XSS
  '* send sink:xss 0 str recv=^(res|response|reply|ctx\\.res)$',
  '* write sink:xss 0 str recv=^(res|response)$',
  '* end sink:xss 0 str recv=^(res|response)$',
  'global document.write sink:xss *',
  'global document.writeln sink:xss *',
  '* insertAdjacentHTML sink:xss 1',
  '* html sink:xss 0 recv=^(\\$|jQuery)\\(|^\\$\\w+$',
  '* append sink:xss 0 recv=^(\\$|jQuery)\\(|^\\$\\w+$', '* prepend sink:xss 0 recv=^(\\$|jQuery)\\(|^\\$\\w+$',
  '* after sink:xss 0 recv=^(\\$|jQuery)\\(|^\\$\\w+$', '* before sink:xss 0 recv=^(\\$|jQuery)\\(|^\\$\\w+$',
  '* replaceWith sink:xss 0 recv=^(\\$|jQuery)\\(|^\\$\\w+$', '* wrap sink:xss 0 recv=^(\\$|jQuery)\\(|^\\$\\w+$',
  'global $ sink:xss 0 str', 'global jQuery sink:xss 0 str', 'jquery . sink:xss 0 str',
  '* text clean recv=^(\\$|jQuery)\\(|^\\$\\w+$', '* val clean recv=^(\\$|jQuery)\\(|^\\$\\w+$',
  '* createContextualFragment sink:xss 0',
  '* setAttribute sink:xss 1 first=^(href|src|srcdoc|action|formaction|xlink:href|on\\w+)$',
  '* render sink:path 0 recv=^(res|response)$',
  '* response sink:xss 0 str recv=^h$',
  // Angular and AngularJS: trusting input as HTML, script or URL, or compiling it as a template
  '* bypassSecurityTrustHtml sink:xss 0', '* bypassSecurityTrustScript sink:xss 0', '* bypassSecurityTrustStyle sink:xss 0',
  '* bypassSecurityTrustUrl sink:xss 0', '* bypassSecurityTrustResourceUrl sink:xss 0',
  '* trustAsHtml sink:xss 0', '* trustAsJs sink:xss 0', '* trustAsResourceUrl sink:xss 0', '* trustAs sink:xss 1',
  'global angular.element sink:xss 0 str',
  // path traversal
  'fs readFile sink:path 0', 'fs readFileSync sink:path 0', 'fs writeFile sink:path 0', 'fs writeFileSync sink:path 0',
  'fs appendFile sink:path 0', 'fs appendFileSync sink:path 0', 'fs createReadStream sink:path 0', 'fs createWriteStream sink:path 0',
  'fs unlink sink:path 0', 'fs unlinkSync sink:path 0', 'fs rm sink:path 0', 'fs rmSync sink:path 0', 'fs readdir sink:path 0',
  'fs readdirSync sink:path 0', 'fs stat sink:path 0', 'fs open sink:path 0', 'fs openSync sink:path 0', 'fs access sink:path 0',
  'fs-extra readFile sink:path 0', 'fs-extra outputFile sink:path 0', 'fs-extra remove sink:path 0', 'fs-extra readJson sink:path 0',
  'fs mkdir sink:path 0', 'fs mkdirSync sink:path 0', 'fs copyFile sink:path 0,1', 'fs copyFileSync sink:path 0,1',
  'fs rename sink:path 0,1', 'fs renameSync sink:path 0,1', 'fs statSync sink:path 0', 'fs lstat sink:path 0', 'fs lstatSync sink:path 0',
  'fs rmdir sink:path 0', 'fs existsSync sink:path 0', 'fs exists sink:path 0', 'fs rmdirSync sink:path 0', 'fs opendir sink:path 0', 'fs symlink sink:path 0,1', 'fs truncate sink:path 0',
  'fs chmod sink:path 0', 'fs chown sink:path 0', 'fs readlink sink:path 0', 'fs realpath sink:path 0', 'fs cp sink:path 0,1',
  'fs-extra writeFile sink:path 0', 'fs-extra writeJson sink:path 0', 'fs-extra outputJson sink:path 0', 'fs-extra copy sink:path 0,1',
  'fs-extra move sink:path 0,1', 'fs-extra readFileSync sink:path 0', 'fs-extra createReadStream sink:path 0', 'fs-extra unlink sink:path 0',
  'fs-extra emptyDir sink:path 0', 'fs-extra ensureFile sink:path 0', 'fs-extra readJsonSync sink:path 0',
  'adm-zip ().extractEntryTo sink:path 1', 'adm-zip ().extractAllTo sink:path 0',
  '* sendFile sink:path 0 unless=root recv=^(res|response|reply)$',
  '* sendfile sink:path 0 unless=root recv=^(res|response)$',
  '* attachment sink:path 0 recv=^(res|response)$',
  '* download sink:path 0 recv=^(res|response)$',
  // express-fileupload moves an upload to a path the code builds, often from the client's file name
  '* mv sink:path 0 recv=(^|\\.)(files\\.\\w+|file|upload|uploadedFile|sampleFile|image|avatar)$',
  'send . sink:path 1',
  // SSRF
  'global fetch sink:ssrf 0',
  'axios . sink:ssrf 0', 'axios get sink:ssrf 0', 'axios post sink:ssrf 0', 'axios put sink:ssrf 0', 'axios delete sink:ssrf 0',
  'axios patch sink:ssrf 0', 'axios head sink:ssrf 0', 'axios request sink:ssrf 0',
  'http get sink:ssrf 0', 'http request sink:ssrf 0', 'https get sink:ssrf 0', 'https request sink:ssrf 0',
  'axios options sink:ssrf 0', 'axios postForm sink:ssrf 0', 'axios putForm sink:ssrf 0', 'axios patchForm sink:ssrf 0',
  'axios create().get sink:ssrf 0', 'axios create().post sink:ssrf 0', 'axios create().request sink:ssrf 0',
  'axios create sink:ssrf 0 field=baseURL', 'got extend sink:ssrf 0 field=prefixUrl',
  'got . sink:ssrf 0', 'got get sink:ssrf 0', 'got post sink:ssrf 0', 'got put sink:ssrf 0', 'got patch sink:ssrf 0',
  'got delete sink:ssrf 0', 'got head sink:ssrf 0', 'got stream sink:ssrf 0', 'got paginate sink:ssrf 0',
  'node-fetch . sink:ssrf 0', 'node-fetch default sink:ssrf 0', 'cross-fetch . sink:ssrf 0', 'isomorphic-fetch . sink:ssrf 0',
  'undici request sink:ssrf 0', 'undici fetch sink:ssrf 0', 'undici stream sink:ssrf 0', 'undici pipeline sink:ssrf 0',
  'undici connect sink:ssrf 0', 'undici new:Client sink:ssrf 0', 'undici new:Pool sink:ssrf 0',
  'request . sink:ssrf 0', 'request get sink:ssrf 0', 'request post sink:ssrf 0', 'request put sink:ssrf 0',
  'request delete sink:ssrf 0', 'request patch sink:ssrf 0', 'request head sink:ssrf 0', 'request-promise . sink:ssrf 0',
  'request-promise-native . sink:ssrf 0', 'request-promise get sink:ssrf 0', 'request-promise post sink:ssrf 0',
  'needle . sink:ssrf 1', 'needle get sink:ssrf 0', 'needle post sink:ssrf 0', 'needle put sink:ssrf 0', 'needle delete sink:ssrf 0',
  'needle head sink:ssrf 0', 'needle request sink:ssrf 1',
  'superagent . sink:ssrf 1', 'superagent get sink:ssrf 0', 'superagent post sink:ssrf 0', 'superagent put sink:ssrf 0',
  'superagent delete sink:ssrf 0', 'superagent del sink:ssrf 0', 'superagent patch sink:ssrf 0', 'superagent head sink:ssrf 0',
  'ky . sink:ssrf 0', 'ky get sink:ssrf 0', 'ky post sink:ssrf 0', 'phin . sink:ssrf 0', 'bent . sink:ssrf 0',
  'http2 connect sink:ssrf 0', 'net connect sink:ssrf 1', 'net createConnection sink:ssrf 1',
  // open redirect
  '* redirect sink:redirect last recv=^(res|response|ctx|reply|h)$',
  '* location sink:redirect 0 recv=^(res|response)$',
  '* setHeader sink:redirect 1 first=^location$ recv=^(res|response)$',
  '* set sink:redirect 1 first=^location$ recv=^(res|response)$',
  '* header sink:redirect 1 first=^location$ recv=^(res|response|reply)$',
  '* writeHead sink:redirect last field=Location recv=^(res|response)$',
  '* writeHead sink:redirect last field=location recv=^(res|response)$',
  'global window.open sink:redirect 0',
  'global location.assign sink:redirect 0',
  'global location.replace sink:redirect 0',
  'global window.location.assign sink:redirect 0',
  'global window.location.replace sink:redirect 0',
  'next/navigation redirect sink:redirect 0', 'next/navigation permanentRedirect sink:redirect 0', 'next/navigation useRouter().push sink:redirect 0',
  '* push sink:redirect 0 str recv=(^|\\.)(router|\\$router|history)$', '* replace sink:redirect 0 str recv=(^|\\.)(router|\\$router|history)$',
  '* navigateByUrl sink:redirect 0 recv=(^|\\.)router$',
  // deserialisation, XXE
  'node-serialize unserialize sink:deserialization 0',
  'serialize-to-js deserialize sink:deserialization 0',
  'funcster deepDeserialize sink:deserialization 0',
  'libxmljs parseXml sink:xxe 0 opt=noent:true',
  'libxmljs parseXmlString sink:xxe 0 opt=noent:true',
  'libxmljs2 parseXml sink:xxe 0 opt=noent:true',
  'libxmljs2 parseXmlString sink:xxe 0 opt=noent:true',
  'libxmljs parseXmlAsync sink:xxe 0 opt=noent:true',
  // the same parsers under their usual bindings when the file's import is not in view (a module given the parser,
  // a vm sandbox's field: `const sandbox = { libxml, data }`)
  '* parseXml sink:xxe 0 opt=noent:true recv=^(libxml|libxmljs2?|libXml)$', '* parseXmlString sink:xxe 0 opt=noent:true recv=^(libxml|libxmljs2?|libXml)$',
  'libxml2-wasm XmlDocument.fromString sink:xxe 0 opt=option:~NOENT',
  'libxml2-wasm XmlDocument.fromBuffer sink:xxe 0 opt=option:~NOENT',
  'xmldom DOMParser().parseFromString sink:xxe 0 opt=noent:true',
  'js-yaml load sink:deserialization 0 opt=schema:~FULL_SCHEMA',
  'js-yaml loadAll sink:deserialization 0 opt=schema:~FULL_SCHEMA',
  'cryo parse sink:deserialization 0',
  'v8 deserialize sink:deserialization 0', 'php-serialize unserialize sink:deserialization 0', 'serialize-javascript . sink:xss 0 opt=unsafe:true',
  'bson deserialize sink:deserialization 0 opt=evalFunctions:true',
  // prototype pollution
  'lodash set sink:proto 1', 'lodash/set . sink:proto 1', 'lodash/merge . sink:proto 1,2,3', 'lodash.merge . sink:proto 1,2,3', 'lodash/defaultsDeep . sink:proto 1,2', 'lodash.defaultsdeep . sink:proto 1,2', 'lodash/setWith . sink:proto 1', 'deepmerge . sink:proto 0,1', 'merge . sink:proto 1', 'merge recursive sink:proto 1', 'mixin-deep . sink:proto 1', 'deep-extend . sink:proto 1', 'lodash/template . sink:code 0', 'lodash.template . sink:code 0', 'lodash setWith sink:proto 1', 'lodash.set . sink:proto 1', 'dot-prop set sink:proto 1',
  'object-path set sink:proto 1', 'lodash update sink:proto 1', 'lodash updateWith sink:proto 1', 'dot-prop setProperty sink:proto 1',
  'lodash merge sink:proto 1,2,3', 'lodash mergeWith sink:proto 1,2', 'lodash defaultsDeep sink:proto 1,2', 'jquery extend sink:proto 2,3',
  'set-value . sink:proto 1', 'dset . sink:proto 1', 'dset dset sink:proto 1', 'lodash zipObjectDeep sink:proto 0',
  'dot-object str sink:proto 0', 'flat unflatten sink:proto 0',
  // ReDoS
  'global RegExp sink:regex 0',
  '* match sink:regex 0 str', '* matchAll sink:regex 0 str', 'minimatch . sink:regex 1', 'micromatch isMatch sink:regex 1',
  'global new:RegExp sink:regex 0',
  // allocations sized by input (resource exhaustion)
  'global Buffer.alloc sink:resource 0', 'global Buffer.allocUnsafe sink:resource 0', 'global Buffer.allocUnsafeSlow sink:resource 0',
  'global new:Array sink:resource 0', 'global Array sink:resource 0', 'global new:ArrayBuffer sink:resource 0', 'global Array.from sink:resource 0 field=length',
  '* repeat sink:resource 0', '* padStart sink:resource 0', '* padEnd sink:resource 0',
  // logs
  'global console.log sink:log * str', 'global console.info sink:log * str', 'global console.warn sink:log * str',
  'global console.error sink:log * str',
  'global console.debug sink:log * str',
  '* info sink:log * str recv=(^|\\.)(logger|log)$', '* warn sink:log * str recv=(^|\\.)(logger|log)$',
  '* error sink:log * str recv=(^|\\.)(logger|log)$', '* debug sink:log * str recv=(^|\\.)(logger|log)$',
  // headers
  '* setHeader sink:header 1 recv=^(res|response)$',
  '* set sink:header 1 recv=^(res|response)$',
  '* header sink:header 1 recv=^(res|response)$',
  // sanitizers
  'global parseInt sanitizer:*', 'global parseFloat sanitizer:*', 'global Number sanitizer:*', 'global Boolean sanitizer:*',
  'global Number.parseInt sanitizer:*', 'global Number.parseFloat sanitizer:*', 'global Math.floor sanitizer:*',
  'global String sanitizer:nosql,proto', 'global encodeURIComponent sanitizer:xss,path,redirect,header,log,ssrf,command,nosql,proto',
  'global encodeURI sanitizer:xss,header,log,nosql', 'global escape sanitizer:xss,header,log,nosql',
  'global JSON.stringify sanitizer:nosql,log,header,proto,xss',
  'path basename sanitizer:path',
  'validator escape sanitizer:xss', 'validator toInt sanitizer:*', 'validator toFloat sanitizer:*', 'validator toBoolean sanitizer:*',
  'he encode sanitizer:xss', 'he escape sanitizer:xss', 'escape-html . sanitizer:xss', 'xss . sanitizer:xss', 'sanitize-html . sanitizer:xss',
  'dompurify sanitize sanitizer:xss', 'lodash/escapeRegExp . sanitizer:regex', 'lodash.escaperegexp . sanitizer:regex', 'isomorphic-dompurify sanitize sanitizer:xss', 'global DOMPurify.sanitize sanitizer:xss',
  'lodash escape sanitizer:xss', 'lodash escapeRegExp sanitizer:regex', 'lodash toNumber sanitizer:*', 'escape-string-regexp . sanitizer:regex',
  'shell-quote quote sanitizer:command', 'shell-escape . sanitizer:command', 'shescape quote sanitizer:command',
  'sqlstring escape sanitizer:sql', 'mysql escape sanitizer:sql', 'mysql2 escape sanitizer:sql', 'pg-format . sanitizer:sql',
  'mongo-sanitize . sanitizer:nosql', 'express-mongo-sanitize sanitize sanitizer:nosql',
  '* escape sanitizer:sql recv=^(connection|conn|pool|db|mysql|SqlString)$',
  '* escapeId sanitizer:sql',
  '* escapeHtml sanitizer:xss', '* escapeHTML sanitizer:xss', '* htmlEscape sanitizer:xss', '* encodeHTML sanitizer:xss',
  'global htmlEscape sanitizer:xss', 'global encodeHTML sanitizer:xss', 'html-escaper escape sanitizer:xss', 'entities encode sanitizer:xss',
  'entities encodeHTML sanitizer:xss', 'xss filterXSS sanitizer:xss', 'global filterXSS sanitizer:xss',
  '* sanitize sanitizer:xss recv=(^|\\.)(DOMPurify|purify|dompurify|sanitizer)$',
  'validator isURL clean', 'validator isEmail clean', 'validator whitelist sanitizer:*', 'validator stripLow sanitizer:log,header',
  'sanitize-filename . sanitizer:path', 'global Math.round sanitizer:*', 'global Math.trunc sanitizer:*',
  'global Math.abs sanitizer:*', 'global BigInt sanitizer:*', 'global Math.min sanitizer:*,resource', 'lodash clamp sanitizer:*,resource',
  'mongoose Types.ObjectId sanitizer:nosql,proto', 'mongoose new:Types.ObjectId sanitizer:nosql,proto', 'mongodb new:ObjectId sanitizer:nosql,proto',
  'mongodb ObjectId sanitizer:nosql,proto', 'global escapeHtml sanitizer:xss', 'global escapeHTML sanitizer:xss', 'global sanitizeHtml sanitizer:xss',
  '* parse sanitizer:nosql,proto recv=(Schema|schema|Validator|validator)$',
  '* safeParse sanitizer:nosql,proto recv=(Schema|schema)$',
  '* validateSync sanitizer:nosql,proto',
  // sources besides request objects
  'global process.argv source:command-line-argument',
  'global location.search source:URL', 'global location.hash source:URL', 'global location.href source:URL',
  'global window.location.search source:URL', 'global window.location.hash source:URL', 'global window.location.href source:URL',
  'global document.location.search source:URL', 'global document.location.hash source:URL', 'global document.URL source:URL',
  'global document.referrer source:referrer', 'global document.cookie source:cookie', 'global window.name source:window-name',
  'global location.pathname source:URL', 'global window.location.pathname source:URL',
  // routers of front-end frameworks: route and query parameters come from the URL
  'react-router-dom useParams source:URL', 'react-router-dom useSearchParams source:URL', 'react-router useParams source:URL',
  'react-router useSearchParams source:URL', 'react-router-dom useLocation source:URL', 'next/navigation useSearchParams source:URL',
  'next/navigation useParams source:URL', 'vue-router useRoute source:URL',
  '* queryParams source:URL recv=(^|\\.)(snapshot|route|activatedRoute|activeRoute)$', '* params source:URL recv=(^|\\.)(snapshot|activatedRoute|activeRoute|\\$route)$',
  '* queryParamMap source:URL recv=(^|\\.)(snapshot|route|activatedRoute)$', '* paramMap source:URL recv=(^|\\.)(snapshot|route|activatedRoute)$',
  '* fragment source:URL recv=(^|\\.)(snapshot|route|activatedRoute)$', '* query source:URL recv=(^|\\.)(\\$route|router|\\$router\\.currentRoute)$',
  '* hash source:URL recv=(^|\\.)\\$route$',
  // what a user typed into a form field (DOM lookups, React/DOM event targets)
  '* value source:form-input recv=(getElementById|querySelector)\\(.*\\)$|getElementsBy\\w+\\(.*\\)\\[\\d+\\]$|(^|\\.)(e|event|evt|ev)\\.(target|currentTarget)$|\\.elements\\.\\w+$',
  'global document.documentURI source:URL', 'global document.baseURI source:URL', 'global document.location.href source:URL', 'global document.location.pathname source:URL',
  // names of entries read from an archive (zip slip): the archive's author chooses them
  // (adm-zip's `entryName`; the `entry` events of unzipper, yauzl and tar-stream are in calls.ts)
  '* entryName source:archive-entry', '* fileName source:archive-entry recv=(^|\\.)zipEntry$', '* path source:archive-entry recv=(^|\\.)(zipEntry|tarEntry)$',
  // -- issue 22, Semgrep-style coverage (sastcorpus): more evaluators, renderers, parsers and query APIs --
  // sandboxes that evaluate code (the sandbox module, notevil), headless-browser init scripts, jQuery's globalEval
  'sandbox ().run sink:code 0', 'notevil . sink:code 0',
  '* evaluateOnNewDocument sink:code 0 str recv=(^|\\.)(page|frame|tab)$', '* addInitScript sink:code 0 str recv=(^|\\.)(page|context|browserContext)$',
  'global jQuery.globalEval sink:code 0', 'global $.globalEval sink:code 0', 'jquery globalEval sink:code 0',
  // HTML-to-PDF/image renderers fetch what the HTML or URL they are given points at (local files, internal hosts)
  'wkhtmltopdf . sink:ssrf 0', 'wkhtmltoimage generate sink:ssrf 0',
  // XML parsers built on expat expand entities of the document they are given
  'xml2json toJson sink:xxe 0', 'node-expat Parser().parse sink:xxe 0', 'node-expat Parser().write sink:xxe 0',
  // jqLite (AngularJS `angular.element(...)`) writes HTML like jQuery
  '* html sink:xss 0 recv=^angular\\.element\\(', '* append sink:xss 0 recv=^angular\\.element\\(', '* prepend sink:xss 0 recv=^angular\\.element\\(',
  '* after sink:xss 0 recv=^angular\\.element\\(', '* replaceWith sink:xss 0 recv=^angular\\.element\\(', '* wrapAll sink:xss 0 recv=^(\\$|jQuery)\\(|^\\$\\w+$',
  '* wrapInner sink:xss 0 recv=^(\\$|jQuery)\\(|^\\$\\w+$',
  // -- issue 22 (sastfp): template engines that compile a template from input run code (server-side template
  // injection), like ejs/pug above; Drizzle's `sql.raw` puts text into the query unescaped; PhantomJS pages
  'jade render sink:code 0', 'jade compile sink:code 0', 'dot compile sink:code 0', 'hogan.js compile sink:code 0',
  'eta render sink:code 0', 'eta renderString sink:code 0', 'squirrelly render sink:code 0', 'squirrelly compile sink:code 0',
  'drizzle-orm sql.raw sink:sql 0',
  '* evaluateJavaScript sink:code 0 str recv=(^|\\.)(page|frame|tab)$', '* openUrl sink:ssrf 0 recv=(^|\\.)(page|tab)$',
  '* open sink:ssrf 0 recv=(^|\\.)(page|tab)$', '* property sink:xss 1 first=^content$ recv=(^|\\.)(page|tab)$',
  // Chrome DevTools Protocol: header and footer templates of printToPDF are HTML rendered by the browser
  '* printToPDF sink:xss 0 field=headerTemplate recv=(^|\\.)Page$', '* printToPDF sink:xss 0 field=footerTemplate recv=(^|\\.)Page$',
  // fbjs builds DOM nodes from a markup string
  'fbjs/lib/createNodesFromMarkup . sink:xss 0', 'global createNodesFromMarkup sink:xss 0',
  // git given a URL or ref from input: `--upload-pack=...`, `ext::` URLs and option-like refs run commands (argument injection)
  'child_process spawn sink:command 1 first=^git$ has=^(clone|fetch|pull|ls-remote|submodule|archive)$',
  'child_process spawnSync sink:command 1 first=^git$ has=^(clone|fetch|pull|ls-remote|submodule|archive)$',
  'child_process execFile sink:command 1 first=^git$ has=^(clone|fetch|pull|ls-remote|submodule|archive)$',
  'child_process execFileSync sink:command 1 first=^git$ has=^(clone|fetch|pull|ls-remote|submodule|archive)$',
  // DynamoDB: a whole query/scan parameter object from input picks the table, keys and filters (not object literals)
  '* query sink:nosql 0 str recv=(^|\\.)(documentClient|docClient|dynamo\\w*|ddb\\w*|dynamoDb\\w*|DynamoDB\\w*)$',
  '* scan sink:nosql 0 str recv=(^|\\.)(documentClient|docClient|dynamo\\w*|ddb\\w*|dynamoDb\\w*|DynamoDB\\w*)$',
  '@aws-sdk/client-dynamodb new:QueryCommand sink:nosql 0 str', '@aws-sdk/client-dynamodb new:ScanCommand sink:nosql 0 str',
  '@aws-sdk/lib-dynamodb new:QueryCommand sink:nosql 0 str', '@aws-sdk/lib-dynamodb new:ScanCommand sink:nosql 0 str',
  // Chrome DevTools Protocol (chrome-remote-interface): pages opened at, written from or evaluating input
  '* navigate sink:ssrf 0 field=url recv=(^|\\.)Page$', '* setDocumentContent sink:xss 0 field=html recv=(^|\\.)Page$',
  '* printToPDF sink:ssrf 0 field=url recv=(^|\\.)Page$',
  '* evaluate sink:code 0 field=expression recv=(^|\\.)Runtime$', '* compileScript sink:code 0 field=expression recv=(^|\\.)Runtime$',
  // -- end issue 22 block --
  // values that carry no taint whatever goes in
  'global Array.isArray clean', 'global isNaN clean', 'global Number.isInteger clean', 'global Object.keys propagate',
  '* length clean', '* indexOf clean', '* includes clean', '* startsWith clean', '* endsWith clean', '* test clean', '* has clean',
];

/** A parsed model row. */
export interface ModelRow {
  pkg: string;
  path: string;
  kind: 'sink' | 'sanitizer' | 'source' | 'clean' | 'propagate';
  cls?: SinkClass;
  clears?: SinkClass[];
  label?: string;
  args?: number[] | '*' | 'last';
  recv?: RegExp;
  opt?: { key: string; value: string };
  /** The sink does not fire when an options object argument sets this key. */
  unless?: string;
  /** The sink fires only when the first argument is a string literal matching this. */
  first?: RegExp;
  /** The sink reads this property of an object argument. */
  field?: string;
  /** The sink fires only when an array literal argument holds a string literal matching this. */
  has?: RegExp;

  str?: boolean;
}

/** Parses model rows; throws on a malformed row (a bug in our table or in a user's extension). */
export function parseModelRows(rows: readonly string[]): ModelRow[] {
  return rows.map((row) => {
    const parts = row.split(/\s+/);
    const [pkg, rawPath, kindSpec, ...rest] = parts;
    if (!pkg || !rawPath || !kindSpec) throw new Error(`bad model row: ${row}`);
    const path = rawPath === "." ? "" : rawPath;
    const m: ModelRow = { pkg, path, kind: 'propagate' };
    const [kind, arg] = kindSpec.split(':') as [string, string | undefined];
    if (kind === 'sink') {
      m.kind = 'sink';
      m.cls = arg as SinkClass;
      if (!ALL_CLASSES.includes(m.cls)) throw new Error(`bad sink class in model row: ${row}`);
    } else if (kind === 'sanitizer') {
      m.kind = 'sanitizer';
      m.clears = (arg ?? '').split(',').flatMap((c) => (c === '*' ? [...NUMERIC_CLEARS] : [c as SinkClass]));
      if (m.clears.some((c) => !ALL_CLASSES.includes(c))) throw new Error(`bad sanitizer class in model row: ${row}`);
    } else if (kind === 'source') {
      m.kind = 'source';
      m.label = arg ?? 'input';
    } else if (kind === 'clean' || kind === 'propagate') {
      m.kind = kind;
    } else throw new Error(`bad kind in model row: ${row}`);
    for (const r of rest) {
      if (/^(\d+(,\d+)*)$/.test(r)) m.args = r.split(',').map(Number);
      else if (r === '*' || r === 'last') m.args = r;
      else if (r === 'str') m.str = true;
      else if (r.startsWith('has=')) m.has = new RegExp(r.slice(4));
      else if (r.startsWith('recv=')) m.recv = new RegExp(r.slice(5));
      else if (r.startsWith('unless=')) m.unless = r.slice(7);
      else if (r.startsWith('first=')) m.first = new RegExp(r.slice(6), 'i');
      else if (r.startsWith('field=')) m.field = r.slice(6);
      else if (r.startsWith('opt=')) {
        const [key, value] = r.slice(4).split(':');
        m.opt = { key: key ?? '', value: value ?? '' };
      } else throw new Error(`bad option in model row: ${row}`);
    }
    return m;
  });
}

/** Lookup tables built once from the rows. */
export interface ModelIndex {
  /** `pkg|path` → rows (module and global rows). */
  byName: Map<string, ModelRow[]>;
  /** method name → `*` rows. */
  byMethod: Map<string, ModelRow[]>;
}

/** Indexes parsed rows for the interpreter. */
export function indexModels(rows: ModelRow[]): ModelIndex {
  const byName = new Map<string, ModelRow[]>();
  const byMethod = new Map<string, ModelRow[]>();
  for (const r of rows) {
    const map = r.pkg === '*' ? byMethod : byName;
    const key = r.pkg === '*' ? r.path : `${r.pkg}|${r.path}`;
    const list = map.get(key) ?? [];
    list.push(r);
    map.set(key, list);
  }
  return { byName, byMethod };
}

/** Normalises a module specifier to the name model rows use (`node:fs/promises` → `fs`). */
export function normaliseModule(spec: string): string {
  let s = spec.startsWith('node:') ? spec.slice(5) : spec;
  if (s === 'fs/promises') s = 'fs';
  if (s === 'lodash-es' || s === 'underscore') s = 'lodash';
  if (s === 'mysql2/promise') s = 'mysql2';
  if (s === 'child_process' || s === 'node:child_process') s = 'child_process';
  return s;
}
