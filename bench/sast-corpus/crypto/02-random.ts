export function generateSessionId(): string {
  let id = '';
  for (let i = 0; i < 32; i++) id += Math.floor(Math.random() * 16).toString(16); // vuln
  return id;
}
export function pickColor(): string {
  const colors = ['red', 'green'];
  return colors[Math.floor(Math.random() * colors.length)]; // safe
}
export const resetCode = () => String(Math.floor(100000 + Math.random() * 900000)); // vuln
