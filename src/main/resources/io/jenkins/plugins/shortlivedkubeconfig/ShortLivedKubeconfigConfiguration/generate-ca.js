// "Generate a new CA" answers with this callback (X-Jenkins-ValidateButton-Callback): the new credential becomes
// selectable in every CA drop-down on the page and is chosen as the global signing CA, without a reload that would
// throw away unsaved edits. Saving the page then pins its fingerprint.
window.shortLivedKubeconfigCaGenerated = function (id, description) {
  document.querySelectorAll('select[name="_.caCredentialsId"]').forEach(function (select) {
    var known = Array.prototype.some.call(select.options, function (option) {
      return option.value === id;
    });
    if (!known) {
      var option = document.createElement("option");
      option.value = id;
      option.textContent = description ? id + " (" + description + ")" : id;
      select.appendChild(option);
    }
    if (!select.closest(".repeated-chunk")) {
      select.value = id;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      var pin = document.querySelector('input[name="_.caFingerprint"]');
      if (pin && !pin.closest(".repeated-chunk")) {
        pin.value = "";
        pin.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  });
};
