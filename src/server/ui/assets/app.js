// pipeguard server UI: a little progressive enhancement. Every page works without it.
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  // Filter forms apply as soon as a select changes.
  for (const form of document.querySelectorAll('form[data-autosubmit]')) {
    for (const select of form.querySelectorAll('select')) select.addEventListener('change', () => form.requestSubmit());
  }
  // Buttons that destroy something ask first.
  for (const button of document.querySelectorAll('button[data-confirm]')) {
    button.addEventListener('click', (event) => {
      if (!window.confirm(button.getAttribute('data-confirm'))) event.preventDefault();
    });
  }
  // A token shown once can be copied with one click.
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const target = document.getElementById(button.getAttribute('data-copy'));
      if (!target) return;
      await navigator.clipboard.writeText(target.textContent.trim());
      button.textContent = 'Copied';
    });
  }
});
