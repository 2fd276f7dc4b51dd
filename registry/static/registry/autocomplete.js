// Django's autocomplete fields (select2) leave two things out that screen readers need: a name
// for the search field and a list that holds only list items (the "clear all" cross sits in
// it). Put both right after select2 draws a field, and again each time it draws it anew.
'use strict';
(function () {
  function fieldName(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, '').trim() : '';
  }

  function repair() {
    document.querySelectorAll('select.admin-autocomplete').forEach(function (select) {
      const container = select.nextElementSibling;
      if (!container || !container.classList.contains('select2')) {
        return;
      }
      container.querySelectorAll('.select2-search__field:not([aria-label])').forEach(function (field) {
        field.setAttribute('aria-label', fieldName(select));
      });
      container.querySelectorAll('.select2-selection__rendered > :not(li)').forEach(function (item) {
        item.setAttribute('role', 'listitem');
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    repair();
    new MutationObserver(repair).observe(document.body, {childList: true, subtree: true});
  });
})();
