import * as fs from 'fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
export const handler = async (event: APIGatewayProxyEvent) => {
  const name = event.queryStringParameters?.name ?? 'index.html';
  const body = fs.readFileSync('/opt/static/' + name, 'utf8'); // vuln
  return { statusCode: 200, body };
};
