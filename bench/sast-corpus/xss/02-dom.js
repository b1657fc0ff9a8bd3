const params = new URLSearchParams(window.location.search);
const name = params.get('name');
document.getElementById('greeting').innerHTML = 'Welcome, ' + name; // vuln
document.getElementById('greeting2').textContent = 'Welcome, ' + name; // safe
document.write('<p>' + location.hash.slice(1) + '</p>'); // vuln
const el = document.querySelector('#out');
el.insertAdjacentHTML('beforeend', decodeURIComponent(location.hash)); // vuln
el.outerHTML = '<div>' + document.referrer + '</div>'; // vuln
el.innerHTML = DOMPurify.sanitize(name); // safe
window.addEventListener('message', (e) => {
  if (e.origin !== 'https://app.example.com') return;
  document.body.innerHTML = e.data.html; // vuln
});
