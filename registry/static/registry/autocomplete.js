// Django's autocomplete fields (select2 4.0.13, as Django ships it) leave out what screen
// readers and keyboard users need. Each time select2 draws a field, opens or closes its list,
// this puts it right, without changing select2 itself:
//
// - The field's own label names its controls (aria-labelledby): the search field of a field
//   with several choices, the box of a field with one choice (followed by the value chosen),
//   and the search field in the list that opens.
// - An open box has the aria-controls that ARIA 1.2 requires of an expanded combobox (select2
//   sets only the older aria-owns).
// - The chosen values are a list of list items only. select2 puts a "remove all" cross into
//   that list, and binds Backspace and Delete in the empty search field to it as well: a
//   keyboard user who pressed Backspace to take back the last choice lost every choice. It is
//   taken out, so Backspace takes back the last choice only (select2's own behaviour for it),
//   and each choice keeps its own cross for the mouse.
// - The crosses ("×") are hidden from screen readers, so a choice is read as its name.
// - A message in the open list ("No results found", "The results could not be loaded") is a
//   disabled option, as select2 draws "Searching…", instead of an alert, which a list of
//   options may not hold; it is read out through a status region of the page instead.
'use strict';
(function () {
  function labelId(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) {
      return '';
    }
    if (!label.id) {
      label.id = select.id + '_label';
    }
    return label.id;
  }

  function setAttribute(element, name, value) {
    if (element.getAttribute(name) !== value) {
      element.setAttribute(name, value);
    }
  }

  function repairBox(select, container) {
    const label = labelId(select);
    const box = container.querySelector('.select2-selection');
    if (!box) {
      return;
    }
    if (label) {
      const single = box.classList.contains('select2-selection--single');
      const shown = single && box.querySelector(':scope > .select2-selection__rendered[id]');
      setAttribute(box, 'aria-labelledby', shown ? label + ' ' + shown.id : label);
      container.querySelectorAll('.select2-search__field').forEach(function (field) {
        setAttribute(field, 'aria-labelledby', label);
      });
    }
    if (box.getAttribute('aria-expanded') === 'true' && box.hasAttribute('aria-owns')) {
      setAttribute(box, 'aria-controls', box.getAttribute('aria-owns'));
    } else if (box.hasAttribute('aria-controls')) {
      box.removeAttribute('aria-controls');
    }
    container.querySelectorAll('.select2-selection--multiple .select2-selection__clear').forEach(function (clear) {
      clear.remove();
    });
    container.querySelectorAll('.select2-selection__choice__remove').forEach(function (cross) {
      setAttribute(cross, 'aria-hidden', 'true');
    });
  }

  // Made when the page is read, empty: a live region announces what changes in it later.
  function statusRegion() {
    let status = document.getElementById('autocomplete-status');
    if (!status) {
      status = document.createElement('div');
      status.id = 'autocomplete-status';
      status.className = 'autocomplete-status';
      status.setAttribute('role', 'status');
      document.body.appendChild(status);
    }
    return status;
  }

  function announce(text) {
    statusRegion().textContent = text;
  }

  // The open list is drawn at the end of the page; its results carry the field's id.
  function repairList(dropdown) {
    dropdown.querySelectorAll('.select2-results__message[role="alert"]').forEach(function (message) {
      message.setAttribute('role', 'option');
      message.setAttribute('aria-disabled', 'true');
      message.removeAttribute('aria-live');
      announce(message.textContent);
    });
    const results = dropdown.querySelector('.select2-results__options[id^="select2-"]');
    const select = results && document.getElementById(results.id.replace(/^select2-/, '').replace(/-results$/, ''));
    const label = select && labelId(select);
    if (!label) {
      return;
    }
    dropdown.querySelectorAll('.select2-search__field').forEach(function (field) {
      setAttribute(field, 'aria-labelledby', label);
    });
  }

  function repair() {
    document.querySelectorAll('select.admin-autocomplete').forEach(function (select) {
      const container = select.nextElementSibling;
      if (container && container.classList.contains('select2')) {
        repairBox(select, container);
      }
    });
    document.querySelectorAll('.select2-dropdown').forEach(repairList);
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (document.querySelector('select.admin-autocomplete')) {
      statusRegion();
    }
    repair();
    new MutationObserver(repair).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['aria-expanded'],
    });
  });
})();
