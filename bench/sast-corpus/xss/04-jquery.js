$(function () {
  const msg = new URLSearchParams(location.search).get('msg');
  $('#banner').html(msg); // vuln
  $('#banner2').text(msg); // safe
  $('#list').append('<li>' + msg + '</li>'); // vuln
  $(location.hash); // vuln
});
