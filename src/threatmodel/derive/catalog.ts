/**
 * What the code's dependencies, images and connection strings say about data stores and external services: package
 * names, image names and URL schemes mapped to a technology. Data; written from each project's documentation.
 */

/** Data-store client packages (npm, PyPI, Go, Maven, RubyGems names) → technology. */
export const DATASTORE_PACKAGES: Record<string, string> = {
  pg: 'postgres', 'pg-promise': 'postgres', postgres: 'postgres', '@neondatabase/serverless': 'postgres', 'slonik': 'postgres',
  psycopg2: 'postgres', 'psycopg2-binary': 'postgres', psycopg: 'postgres', asyncpg: 'postgres',
  'github.com/lib/pq': 'postgres', 'github.com/jackc/pgx': 'postgres', 'github.com/jackc/pgx/v4': 'postgres', 'github.com/jackc/pgx/v5': 'postgres',
  'org.postgresql:postgresql': 'postgres', pg_ruby: 'postgres',
  mysql: 'mysql', mysql2: 'mysql', pymysql: 'mysql', mysqlclient: 'mysql', 'mysql-connector-python': 'mysql', aiomysql: 'mysql',
  'github.com/go-sql-driver/mysql': 'mysql', 'mysql:mysql-connector-java': 'mysql', 'com.mysql:mysql-connector-j': 'mysql', mariadb: 'mysql',
  mssql: 'mssql', tedious: 'mssql', pyodbc: 'mssql', 'com.microsoft.sqlserver:mssql-jdbc': 'mssql',
  oracledb: 'oracle', 'cx-oracle': 'oracle',
  'better-sqlite3': 'sqlite', sqlite3: 'sqlite', sqlite: 'sqlite', 'github.com/mattn/go-sqlite3': 'sqlite',
  mongodb: 'mongodb', mongoose: 'mongodb', pymongo: 'mongodb', motor: 'mongodb', 'go.mongodb.org/mongo-driver': 'mongodb', 'org.mongodb:mongodb-driver-sync': 'mongodb',
  redis: 'redis', ioredis: 'redis', '@redis/client': 'redis', '@upstash/redis': 'redis', 'github.com/redis/go-redis/v9': 'redis', 'github.com/go-redis/redis/v8': 'redis', 'redis.clients:jedis': 'redis',
  memcached: 'memcached', pymemcache: 'memcached',
  amqplib: 'rabbitmq', 'amqp-connection-manager': 'rabbitmq', pika: 'rabbitmq', aio_pika: 'rabbitmq', 'aio-pika': 'rabbitmq', 'github.com/rabbitmq/amqp091-go': 'rabbitmq',
  kafkajs: 'kafka', 'node-rdkafka': 'kafka', '@confluentinc/kafka-javascript': 'kafka', 'kafka-python': 'kafka', 'confluent-kafka': 'kafka', 'github.com/segmentio/kafka-go': 'kafka', 'org.apache.kafka:kafka-clients': 'kafka',
  bullmq: 'redis', bull: 'redis', 'bee-queue': 'redis', celery: 'rabbitmq', rq: 'redis',
  nats: 'nats', 'nats.py': 'nats', 'github.com/nats-io/nats.go': 'nats',
  '@aws-sdk/client-s3': 's3', 'minio': 's3', '@google-cloud/storage': 'gcs', '@azure/storage-blob': 'azure-blob',
  '@aws-sdk/client-dynamodb': 'dynamodb', '@aws-sdk/lib-dynamodb': 'dynamodb', '@aws-sdk/client-sqs': 'sqs', '@aws-sdk/client-sns': 'sns',
  '@google-cloud/firestore': 'firestore', '@google-cloud/pubsub': 'pubsub', '@azure/cosmos': 'cosmosdb', '@azure/service-bus': 'service-bus',
  '@elastic/elasticsearch': 'elasticsearch', elasticsearch: 'elasticsearch', '@opensearch-project/opensearch': 'opensearch', 'opensearch-py': 'opensearch',
  'cassandra-driver': 'cassandra', 'neo4j-driver': 'neo4j', neo4j: 'neo4j', '@clickhouse/client': 'clickhouse', 'clickhouse-connect': 'clickhouse',
};

/** Packages that show an ORM or query builder but not which database: the database comes from elsewhere. */
export const GENERIC_DB_PACKAGES = new Set(['knex', 'sequelize', 'typeorm', '@prisma/client', 'prisma', 'drizzle-orm', '@mikro-orm/core', 'sqlalchemy', 'django', 'gorm.io/gorm', 'kysely']);

/** SDK packages → external service. */
export const EXTERNAL_PACKAGES: Record<string, string> = {
  stripe: 'stripe', '@stripe/stripe-js': 'stripe', braintree: 'braintree', '@paypal/checkout-server-sdk': 'paypal', '@paypal/paypal-server-sdk': 'paypal', 'adyen-api-library': 'adyen', '@adyen/api-library': 'adyen',
  twilio: 'twilio', '@sendgrid/mail': 'sendgrid', sendgrid: 'sendgrid', 'mailgun.js': 'mailgun', 'mailgun-js': 'mailgun', postmark: 'postmark', nodemailer: 'smtp', resend: 'resend', '@aws-sdk/client-ses': 'aws-ses',
  openai: 'openai', '@anthropic-ai/sdk': 'anthropic', anthropic: 'anthropic', '@google/generative-ai': 'google-ai', '@google/genai': 'google-ai', cohere: 'cohere', 'cohere-ai': 'cohere', '@mistralai/mistralai': 'mistral',
  '@slack/web-api': 'slack', '@slack/bolt': 'slack', slack_sdk: 'slack', 'slack-sdk': 'slack', 'discord.js': 'discord',
  '@octokit/rest': 'github', '@octokit/core': 'github', octokit: 'github', PyGithub: 'github', '@gitbeaker/rest': 'gitlab',
  'firebase-admin': 'firebase', firebase: 'firebase', '@supabase/supabase-js': 'supabase', supabase: 'supabase',
  '@sentry/node': 'sentry', '@sentry/browser': 'sentry', 'sentry-sdk': 'sentry', 'dd-trace': 'datadog', datadog: 'datadog', newrelic: 'newrelic',
  'auth0': 'auth0', '@auth0/auth0-react': 'auth0', '@okta/okta-sdk-nodejs': 'okta', '@clerk/clerk-sdk-node': 'clerk', '@clerk/nextjs': 'clerk',
  algoliasearch: 'algolia', '@algolia/client-search': 'algolia', '@segment/analytics-node': 'segment', 'posthog-node': 'posthog', mixpanel: 'mixpanel',
  'aws-sdk': 'aws', boto3: 'aws', '@aws-sdk/client-lambda': 'aws-lambda', '@aws-sdk/client-secrets-manager': 'aws-secrets-manager', '@aws-sdk/client-kms': 'aws-kms',
  'google-cloud-storage': 'gcs', '@google-cloud/secret-manager': 'gcp-secret-manager', '@azure/keyvault-secrets': 'azure-key-vault', 'node-vault': 'vault', hvac: 'vault',
  'plaid': 'plaid', 'shopify-api-node': 'shopify', '@shopify/shopify-api': 'shopify', 'hubspot': 'hubspot', '@hubspot/api-client': 'hubspot', 'jsforce': 'salesforce', 'simple-salesforce': 'salesforce',
};

/** Container image names (the last path segment, or `owner/name`) → data-store technology. */
export const DATASTORE_IMAGES: [RegExp, string][] = [
  [/(^|\/)(postgres|postgis|timescaledb|pgvector)$/, 'postgres'],
  [/(^|\/)(mysql|mariadb|percona)$/, 'mysql'],
  [/(^|\/)mongo(db)?$/, 'mongodb'],
  [/(^|\/)(redis|redis-stack|valkey|keydb)$/, 'redis'],
  [/(^|\/)memcached$/, 'memcached'],
  [/(^|\/)rabbitmq$/, 'rabbitmq'],
  [/(^|\/)(kafka|cp-kafka|redpanda)$/, 'kafka'],
  [/(^|\/)nats$/, 'nats'],
  [/(^|\/)(elasticsearch|opensearch)$/, 'elasticsearch'],
  [/(^|\/)cassandra$/, 'cassandra'],
  [/(^|\/)(minio)$/, 's3'],
  [/(^|\/)couchdb$/, 'couchdb'],
  [/(^|\/)neo4j$/, 'neo4j'],
  [/(^|\/)clickhouse(-server)?$/, 'clickhouse'],
  [/(^|\/)mssql\/server$/, 'mssql'],
  [/(^|\/)localstack$/, 'aws'],
];

/** Connection-string schemes → technology. */
export const SCHEMES: Record<string, string> = {
  postgres: 'postgres', postgresql: 'postgres', mysql: 'mysql', mariadb: 'mysql', mongodb: 'mongodb', 'mongodb+srv': 'mongodb', redis: 'redis', rediss: 'redis',
  amqp: 'rabbitmq', amqps: 'rabbitmq', nats: 'nats', kafka: 'kafka', mssql: 'mssql', sqlserver: 'mssql', cockroachdb: 'postgres',
};

/** Other names of a technology, so `technology: postgresql` in a model matches `postgres` in the code. */
export const TECH_ALIASES: Record<string, string> = {
  postgresql: 'postgres', pg: 'postgres', psql: 'postgres', mariadb: 'mysql', mongo: 'mongodb', 'elastic': 'elasticsearch', opensearch: 'elasticsearch',
  'amazon-s3': 's3', 'aws-s3': 's3', minio: 's3', valkey: 'redis', 'redis-queue': 'redis', bullmq: 'redis', rabbit: 'rabbitmq', amqp: 'rabbitmq', 'sql-server': 'mssql', sqlserver: 'mssql',
};

/** The canonical name of a technology (`PostgreSQL` → `postgres`). */
export function canonicalTech(t: string | undefined): string {
  const s = (t ?? '').toLowerCase().trim();
  return TECH_ALIASES[s] ?? s;
}

/** The data-store technology of an image reference (`postgres:16-alpine`, `docker.io/bitnami/redis@sha256:...`). */
export function imageTech(image: string): string | undefined {
  const name = image.toLowerCase().replace(/@.*$/, '').replace(/:[^/]*$/, '');
  for (const [re, t] of DATASTORE_IMAGES) if (re.test(name)) return t;
  return undefined;
}

/**
 * Secret rules whose id does not start with a third-party service: generic credentials, key formats, protocols and
 * files, and data stores (those are data stores of the system, not external services).
 */
const NOT_A_SERVICE = new Set([
  'age', 'amqp', 'api', 'authorization', 'curl', 'database', 'docker', 'ftp', 'generic', 'http', 'jdbc', 'jwt', 'kubeconfig', 'ldap', 'mongodb', 'mssql',
  'mysql', 'netrc', 'npmrc', 'payment', 'pgp', 'postgres', 'private', 'putty', 'redis', 'secret', 'smtp', 'ssh2', 'sshpass', 'wireguard', 'xml',
]);
/** Secret-rule prefixes whose service has another name here (`new-relic-*` → newrelic, as its SDK is named). */
const SECRET_SERVICE_NAMES: Record<string, string> = { new: 'newrelic', defined: 'defined-networking', google: 'google-chat', microsoft: 'microsoft-teams', togetherai: 'together' };

/** The external service a secrets rule names (`stripe-secret-key` → stripe), or undefined for generic rules. */
export function serviceOfSecretRule(ruleId: string): string | undefined {
  const first = ruleId.split('-')[0]!.toLowerCase();
  if (!first || NOT_A_SERVICE.has(first)) return undefined;
  return SECRET_SERVICE_NAMES[first] ?? first;
}
