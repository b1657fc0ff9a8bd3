import { NextRequest, NextResponse } from 'next/server';
export async function GET(request: NextRequest) {
  const url = request.nextUrl.searchParams.get('url');
  const r = await fetch(url!); // vuln
  return NextResponse.json(await r.json());
}
export async function POST(request: Request) {
  const { webhook } = await request.json();
  await fetch(webhook, { method: 'POST', body: 'ping' }); // vuln
  return new Response('ok');
}
