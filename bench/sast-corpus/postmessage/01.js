window.parent.postMessage({ token: localStorage.getItem('token') }, '*'); // vuln
window.parent.postMessage({ ready: true }, 'https://app.example.com'); // safe
window.addEventListener('message', function (event) { // vuln
  eval(event.data.code); // vuln
});
window.addEventListener('message', (event) => {
  if (event.origin !== 'https://trusted.example.com') return;
  console.log(event.data); // safe
});
