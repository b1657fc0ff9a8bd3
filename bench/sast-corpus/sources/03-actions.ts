'use server';
import { exec } from 'child_process';
import { redirect } from 'next/navigation';
export async function runJob(formData: FormData) {
  const name = formData.get('name') as string;
  exec(`./jobs/run.sh ${name}`); // vuln
}
export async function goTo(url: string) {
  redirect(url); // vuln
}
