/* 微受理 form: small helps on top of a form that works without them (the server checks everything). */
(function () {
  'use strict';
  var form = document.getElementById('submit-form');
  if (!form) return;
  var MAX_BYTES = 10 * 1024 * 1024;
  var maxPhotos = parseInt(form.getAttribute('data-max-photos'), 10);
  var minContent = parseInt(form.getAttribute('data-min-content'), 10);
  var needsLocation = (form.getAttribute('data-needs-location') || '').split(' ');

  var content = document.getElementById('content');
  var count = document.getElementById('content-count');
  function countContent() {
    var length = content.value.replace(/\s/g, '').length;
    count.textContent = String(length);
    count.parentNode.classList.toggle('short', length > 0 && length < minContent);
  }
  content.addEventListener('input', countContent);
  countContent();

  var type = document.getElementById('request_type');
  var addressNeed = document.getElementById('address-need');
  var addressNeedText = addressNeed.textContent;
  function showAddressNeed() {
    if (!type.value) { addressNeed.textContent = addressNeedText; return; }
    addressNeed.textContent = needsLocation.indexOf(type.value) >= 0 ? '（必填）' : '（选填）';
  }
  type.addEventListener('change', showAddressNeed);
  showAddressNeed();

  var photos = document.getElementById('photos');
  var chosen = document.getElementById('photos-chosen');
  function keptCount() {
    return form.querySelectorAll('input[name="keep"]:checked').length;
  }
  function checkPhotos() {
    var files = Array.prototype.slice.call(photos.files || []);
    var problems = [];
    files.forEach(function (file) {
      if (file.type && file.type.indexOf('image/') !== 0) problems.push('“' + file.name + '”不是图片');
      else if (file.size > MAX_BYTES) problems.push('“' + file.name + '”超过 10MB');
    });
    var total = files.length + keptCount();
    if (total > maxPhotos) problems.push('最多 ' + maxPhotos + ' 张，现有 ' + total + ' 张');
    chosen.textContent = problems.length ? problems.join('；') + '，请重新选择'
      : (files.length ? '已选择 ' + files.length + ' 张，提交时一并上传' : '');
    chosen.classList.toggle('weui-cells__tips_warn', problems.length > 0);
    return problems.length === 0;
  }
  photos.addEventListener('change', checkPhotos);
  form.addEventListener('change', function (event) {
    if (event.target.name === 'keep') checkPhotos();
  });

  // Hints as the citizen writes: whom to call in an emergency, the likeliest categories.
  var warning = document.getElementById('emergency-warning');
  var suggestBox = document.getElementById('category-suggest');
  var category = document.getElementById('category');
  var token = form.querySelector('input[name="csrf_token"]').value;
  var hintTimer = null, hintSeq = 0;
  function showCategories(items) {
    suggestBox.textContent = '';
    if (!items.length) { suggestBox.hidden = true; return; }
    suggestBox.appendChild(document.createTextNode('可能的分类：'));
    items.forEach(function (item) {
      var choose = document.createElement('button');
      choose.type = 'button';
      choose.className = 'weui-btn weui-btn_mini weui-btn_default';
      choose.textContent = item.label;
      choose.setAttribute('data-code', item.code);
      choose.addEventListener('click', function () { category.value = item.code; category.focus(); });
      suggestBox.appendChild(choose);
    });
    suggestBox.hidden = false;
  }
  function askHints() {
    var mine = ++hintSeq, body = new FormData();
    body.append('content', content.value.slice(0, 500));
    fetch(form.getAttribute('data-hints'), {method: 'POST', body: body, credentials: 'same-origin',
                                            headers: {'X-CSRFToken': token}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || mine !== hintSeq) return;
        warning.textContent = data.emergency || '';
        warning.hidden = !data.emergency;
        showCategories(data.categories || []);
      })
      .catch(function () { /* hints are a help only */ });
  }
  content.addEventListener('input', function () {
    clearTimeout(hintTimer);
    hintTimer = setTimeout(askHints, 600);
  });

  var button = document.getElementById('submit-button');
  form.addEventListener('submit', function (event) {
    if (!checkPhotos()) { event.preventDefault(); photos.focus(); return; }
    button.disabled = true;
    button.textContent = '正在提交…';
  });
  window.addEventListener('pageshow', function () {
    button.disabled = false;
    button.textContent = '提交';
  });
})();
