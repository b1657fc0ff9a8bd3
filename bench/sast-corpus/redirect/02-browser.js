const params = new URLSearchParams(window.location.search);
const next = params.get('next');
window.location.href = next; // vuln
window.location = params.get('r'); // vuln
location.assign(params.get('x')); // vuln
window.location.href = '/home'; // safe
