import Vue from 'vue';
new Vue({
  el: '#app',
  data: { msg: new URLSearchParams(location.search).get('m') },
  template: '<div v-html="msg"></div>', // vuln
});
