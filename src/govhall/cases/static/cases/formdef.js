/* govhall application forms (govhall/cases/formdef.py): show_if evaluated live, rows of repeat
   groups added and removed within their limits, ID numbers and USCCs checked as they are typed
   (a hint: the server decides), prefilled values marked when the applicant changes them.
   No framework; works on a plain page and on content swapped in by htmx.

   conditionEval mirrors govhall/cases/formdef_conditions.py rule for rule, on the same JSON
   values: the inputs are first read as the server cleans them (typedValue). The corpus
   cases/tests/test_formdef_corpus.json is run through both. */
(function () {
  "use strict";

  if (window.govhallFormdef) {
    window.govhallFormdef.init(document);
    return;
  }

  var has = Object.prototype.hasOwnProperty;
  var NUMERIC = /^-?[0-9]+(\.[0-9]+)?$/;
  var OPS = ["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "empty", "not_empty"];

  // --- conditions (formdef_conditions.py) ---------------------------------------------------

  function isArray(value) {
    return Object.prototype.toString.call(value) === "[object Array]";
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !isArray(value);
  }

  function own(object, key) {
    return isObject(object) && has.call(object, key) ? object[key] : null;
  }

  function valueAt(path, values, row) {
    var dot = path.indexOf(".");
    if (dot < 0) {
      return own(row, path);
    }
    return own(own(values, path.slice(0, dot)), path.slice(dot + 1));
  }

  function toNumber(value) {
    if (typeof value === "number") {
      return value;
    }
    if (typeof value === "string" && NUMERIC.test(value)) {
      return Number(value);
    }
    return null;
  }

  function same(a, b) {
    if (a === null || b === null) {
      return a === null && b === null;
    }
    if (typeof a === "boolean" || typeof b === "boolean") {
      return typeof a === "boolean" && typeof b === "boolean" && a === b;
    }
    if (typeof a === "string" && typeof b === "string") {
      return a === b;
    }
    var left = toNumber(a);
    var right = toNumber(b);
    return left !== null && right !== null && left === right;
  }

  function codePoints(text) {
    var points = [];
    for (var i = 0; i < text.length; i++) {
      var high = text.charCodeAt(i);
      if (high >= 0xd800 && high <= 0xdbff && i + 1 < text.length) {
        var low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          points.push((high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000);
          i++;
          continue;
        }
      }
      points.push(high);
    }
    return points;
  }

  function compareStrings(a, b) {
    var x = codePoints(a);
    var y = codePoints(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      if (x[i] !== y[i]) {
        return x[i] < y[i] ? -1 : 1;
      }
    }
    return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
  }

  function order(a, b) {
    if (typeof b === "string") {
      return typeof a === "string" ? compareStrings(a, b) : null;
    }
    var left = toNumber(a);
    var right = toNumber(b);
    if (left === null || right === null) {
      return null;
    }
    return left > right ? 1 : left < right ? -1 : 0;
  }

  function isEmpty(value) {
    return value === null || value === "" || (isArray(value) && value.length === 0);
  }

  function anySame(items, b) {
    for (var i = 0; i < items.length; i++) {
      if (same(items[i], b)) {
        return true;
      }
    }
    return false;
  }

  function member(a, choices) {
    if (!isArray(choices)) {
      return false;
    }
    var items = isArray(a) ? a : [a];
    for (var i = 0; i < items.length; i++) {
      if (anySame(choices, items[i])) {
        return true;
      }
    }
    return false;
  }

  function compare(op, a, b) {
    if (op === "empty") {
      return isEmpty(a);
    }
    if (op === "not_empty") {
      return !isEmpty(a);
    }
    if (op === "eq" || op === "ne") {
      var found = isArray(a) ? anySame(a, b) : same(a, b);
      return op === "eq" ? found : !found;
    }
    if (op === "in" || op === "not_in") {
      return op === "in" ? member(a, b) : !member(a, b);
    }
    if (isArray(a)) {
      return false;
    }
    var sign = order(a, b);
    if (sign === null) {
      return false;
    }
    return { gt: sign > 0, gte: sign >= 0, lt: sign < 0, lte: sign <= 0 }[op];
  }

  function parts(list) {
    if (!isArray(list)) {
      throw new Error("all/any take a list of conditions");
    }
    return list;
  }

  function conditionEval(condition, values, row) {
    if (!isObject(condition)) {
      throw new Error("condition must be an object");
    }
    var i;
    if (has.call(condition, "field")) {
      var op = condition.op;
      if (typeof op !== "string" || OPS.indexOf(op) < 0 || typeof condition.field !== "string") {
        throw new Error("bad condition");
      }
      var value = has.call(condition, "value") ? condition.value : null;
      return compare(op, valueAt(condition.field, values, row === undefined ? null : row), value);
    }
    if (has.call(condition, "all")) {
      var all = parts(condition.all);
      for (i = 0; i < all.length; i++) {
        if (!conditionEval(all[i], values, row)) {
          return false;
        }
      }
      return true;
    }
    if (has.call(condition, "any")) {
      var any = parts(condition.any);
      for (i = 0; i < any.length; i++) {
        if (conditionEval(any[i], values, row)) {
          return true;
        }
      }
      return false;
    }
    if (has.call(condition, "not")) {
      return !conditionEval(condition.not, values, row);
    }
    throw new Error("bad condition");
  }

  // --- identifiers (python-stdnum stdnum.cn.ric and stdnum.cn.uscc on the server) -----------

  function compact(text) {
    return String(text || "")
      .replace(/[\uff10-\uff19]/g, function (c) {
        return String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48);
      })
      .replace(/[\uff21-\uff3a\uff41-\uff5a]/g, function (c) {
        var code = c.charCodeAt(0);
        return String.fromCharCode(code - (code >= 0xff41 ? 0xff41 : 0xff21) + 65);
      })
      .replace(/[\s-]/g, "")
      .toUpperCase();
  }

  function validDate(year, month, day) {
    if (year < 1 || month < 1 || month > 12 || day < 1) {
      return false;
    }
    var date = new Date(Date.UTC(2000, 0, 1));
    date.setUTCFullYear(year, month - 1, day);
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1;
  }

  // "" when valid, else "length", "format", "date" or "checksum" (GB 11643, ISO 7064 MOD 11-2)
  function idNumberProblem(value) {
    var number = compact(value);
    if (number.length !== 18) {
      return "length";
    }
    if (!/^[0-9]{17}[0-9X]$/.test(number)) {
      return "format";
    }
    var birth = number.slice(6, 14);
    if (!validDate(+birth.slice(0, 4), +birth.slice(4, 6), +birth.slice(6, 8))) {
      return "date";
    }
    var sum = 0;
    for (var i = 0; i < 17; i++) {
      sum += +number.charAt(i) * (Math.pow(2, 17 - i) % 11);
    }
    return "10X98765432".charAt(sum % 11) === number.charAt(17) ? "" : "checksum";
  }

  var USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

  // "" when valid, else "length", "format" or "checksum" (GB 32100)
  function usccProblem(value) {
    var number = compact(value);
    if (number.length !== 18) {
      return "length";
    }
    if (!/^[0-9]{8}/.test(number)) {
      return "format";
    }
    for (var i = 8; i < 18; i++) {
      if (USCC_ALPHABET.indexOf(number.charAt(i)) < 0) {
        return "format";
      }
    }
    var sum = 0;
    for (var j = 0; j < 17; j++) {
      sum += USCC_ALPHABET.indexOf(number.charAt(j)) * USCC_WEIGHTS[j];
    }
    return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31) === number.charAt(17) ? "" : "checksum";
  }

  // --- reading the inputs as the server cleans them (formdef_fields.py) ----------------------

  var BAD_TEXT = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

  function controls(field) {
    return field.querySelectorAll("input:not([type=hidden]), select, textarea");
  }

  function checkedValues(field) {
    var chosen = [];
    var inputs = controls(field);
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) {
        chosen.push(inputs[i].value);
      }
    }
    return chosen;
  }

  function numberData(field, name) {
    var text = field.getAttribute("data-" + name);
    return text === null ? null : Number(text);
  }

  function inRange(field, value) {
    var low = numberData(field, "min");
    var high = numberData(field, "max");
    return (low === null || value >= low) && (high === null || value <= high);
  }

  function textValue(field, raw, multiline) {
    var text = raw.replace(/\r\n/g, "\n").trim();
    if (!text || BAD_TEXT.test(text) || (!multiline && /[\n\r]/.test(text))) {
      return null;
    }
    var length = codePoints(text).length;
    var longest = numberData(field, "max-length");
    var shortest = numberData(field, "min-length");
    if ((longest !== null && length > longest) || (shortest !== null && length < shortest)) {
      return null;
    }
    return text;
  }

  function decimalValue(field, raw) {
    var match = /^([+-]?)([0-9]{1,15})(?:\.([0-9]+))?$/.exec(raw);
    if (!match) {
      return null;
    }
    var places = numberData(field, "places") || 0;
    var fraction = (match[3] || "").replace(/0+$/, "");
    if (fraction.length > places) {
      return null;
    }
    var whole = match[2].replace(/^0+(?=[0-9])/, "");
    var zero = /^0+$/.test(whole) && fraction === "";
    if (!inRange(field, Number(match[1] + whole + "." + (fraction || "0")))) {
      return null;
    }
    while (fraction.length < places) {
      fraction += "0";
    }
    return (match[1] === "-" && !zero ? "-" : "") + whole + (places ? "." + fraction : "");
  }

  function dateValue(field, raw) {
    var match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(raw);
    if (!match || !validDate(+match[1], +match[2], +match[3])) {
      return null;
    }
    var low = field.getAttribute("data-min");
    var high = field.getAttribute("data-max");
    if ((low !== null && raw < low) || (high !== null && raw > high)) {
      return null;
    }
    return raw;
  }

  function choiceValue(field, inputs) {
    if (inputs.length && inputs[0].type === "radio") {
      return checkedValues(field)[0] || null;
    }
    return (inputs.length && inputs[0].value) || null;
  }

  // The cleaned value of a field, as form_validate would produce it; an invalid entry counts as
  // empty (null; false for a checkbox, [] for checkboxes), exactly as on the server.
  function typedValue(field) {
    var type = field.getAttribute("data-type");
    var inputs = controls(field);
    if (type === "boolean") {
      return inputs.length ? inputs[0].checked : false;
    }
    if (type === "multiselect") {
      return checkedValues(field);
    }
    if (type === "select") {
      return choiceValue(field, inputs);
    }
    var raw = inputs.length ? inputs[0].value : "";
    if (type === "text" || type === "textarea") {
      return textValue(field, raw, type === "textarea");
    }
    raw = raw.trim();
    if (!raw) {
      return null;
    }
    if (type === "integer") {
      var ok = /^[+-]?[0-9]{1,18}$/.test(raw) && inRange(field, Number(raw));
      return ok ? Number(raw) : null;
    }
    if (type === "decimal") {
      return decimalValue(field, raw);
    }
    if (type === "date") {
      return dateValue(field, raw);
    }
    return raw; // other types are never named by a condition
  }

  // --- showing and hiding -------------------------------------------------------------------

  function setShown(element, shown) {
    element.hidden = !shown;
    if (element.tagName === "FIELDSET") {
      element.disabled = !shown;
      return;
    }
    var inputs = element.querySelectorAll("input, select, textarea");
    for (var i = 0; i < inputs.length; i++) {
      inputs[i].disabled = !shown;
    }
  }

  function conditionOf(element) {
    var text = element.getAttribute("data-show-if");
    return text ? JSON.parse(text) : null;
  }

  function walkFields(container, values, block, row) {
    var fields = container.querySelectorAll("[data-formdef-field]");
    for (var i = 0; i < fields.length; i++) {
      var test = conditionOf(fields[i]);
      var shown = test === null || conditionEval(test, values, row);
      setShown(fields[i], shown);
      if (shown) {
        block[fields[i].getAttribute("data-key")] = typedValue(fields[i]);
      }
    }
  }

  function rowsOf(section) {
    var holder = section.querySelector("[data-formdef-rows]");
    var rows = [];
    for (var i = 0; holder && i < holder.children.length; i++) {
      if (holder.children[i].hasAttribute("data-formdef-row")) {
        rows.push(holder.children[i]);
      }
    }
    return rows;
  }

  // Walk the form in definition order, as form_validate does: each condition sees the values
  // of the visible fields before it; hidden fields are disabled (not posted) and count as empty.
  function refresh(form) {
    var values = {};
    var sections = form.querySelectorAll("[data-formdef-section]");
    for (var i = 0; i < sections.length; i++) {
      var section = sections[i];
      var test = conditionOf(section);
      var shown = test === null || conditionEval(test, values, null);
      setShown(section, shown);
      if (!shown) {
        continue;
      }
      var key = section.getAttribute("data-key");
      if (!section.hasAttribute("data-repeat")) {
        values[key] = {};
        walkFields(section, values, values[key], null);
        continue;
      }
      values[key] = [];
      var rows = rowsOf(section);
      for (var j = 0; j < rows.length; j++) {
        var row = {};
        walkFields(rows[j], values, row, row);
        values[key].push(row);
      }
    }
    return values;
  }

  // --- rows of repeat groups ----------------------------------------------------------------

  function renameRow(row, key, index) {
    var name = new RegExp("^" + key + "\\.([0-9]+|__index__)\\.");
    var ident = new RegExp("(^|\\s)fd-" + key + "-([0-9]+|__index__)-", "g");
    var attributes = ["id", "for", "aria-describedby"];
    var elements = row.querySelectorAll("[name], [id], [for], [aria-describedby]");
    for (var i = 0; i < elements.length; i++) {
      var element = elements[i];
      if (element.hasAttribute("name")) {
        element.setAttribute("name", element.getAttribute("name").replace(name, key + "." + index + "."));
      }
      for (var k = 0; k < attributes.length; k++) {
        var value = element.getAttribute(attributes[k]);
        if (value !== null) {
          element.setAttribute(attributes[k], value.replace(ident, "$1fd-" + key + "-" + index + "-"));
        }
      }
    }
    var number = row.querySelector("[data-formdef-number]");
    if (number) {
      number.textContent = String(index + 1);
    }
  }

  function renumber(section) {
    var key = section.getAttribute("data-key");
    var rows = rowsOf(section);
    for (var i = 0; i < rows.length; i++) {
      renameRow(rows[i], key, i);
    }
    var add = section.querySelector("[data-formdef-add]");
    if (add) {
      add.hidden = false;
      add.disabled = rows.length >= +section.getAttribute("data-max");
    }
    var removes = section.querySelectorAll("[data-formdef-remove]");
    for (var r = 0; r < removes.length; r++) {
      removes[r].hidden = rows.length <= +section.getAttribute("data-min");
    }
  }

  function addRow(section) {
    var template = section.querySelector("template[data-formdef-template]");
    var holder = section.querySelector("[data-formdef-rows]");
    if (!template || !holder || rowsOf(section).length >= +section.getAttribute("data-max")) {
      return;
    }
    var row = document.importNode(template.content, true).querySelector("[data-formdef-row]");
    holder.appendChild(row);
    renumber(section);
    refresh(section.closest("[data-formdef]"));
    var first = row.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
    if (first) {
      first.focus();
    }
  }

  function removeRow(row) {
    var section = row.closest("[data-formdef-section]");
    if (rowsOf(section).length <= +section.getAttribute("data-min")) {
      return;
    }
    row.parentNode.removeChild(row);
    renumber(section);
    refresh(section.closest("[data-formdef]"));
    var add = section.querySelector("[data-formdef-add]");
    if (add) {
      add.focus();
    }
  }

  // --- hints: identifiers as they are typed, changed prefills --------------------------------

  function identifierMessage(form, number, problem, final) {
    if (!number || (problem === "length" && !final)) {
      return "";
    }
    if (problem === "length") {
      return form.getAttribute("data-msg-length").replace("%(n)s", String(number.length));
    }
    return form.getAttribute("data-msg-" + (problem || "ok"));
  }

  function checkIdentifier(field, final) {
    var out = field.querySelector("[data-formdef-check]");
    var input = controls(field)[0];
    if (!out || !input) {
      return;
    }
    var number = compact(input.value);
    var uscc = field.getAttribute("data-type") === "uscc";
    var problem = uscc ? usccProblem(number) : idNumberProblem(number);
    var message = identifierMessage(field.closest("[data-formdef]"), number, problem, final);
    out.textContent = "";
    if (message) {
      var span = document.createElement("span");
      span.className = problem ? "check-error" : "check-ok";
      span.textContent = message;
      out.appendChild(span);
    }
  }

  function shownValue(field) {
    var type = field.getAttribute("data-type");
    var inputs = controls(field);
    if (type === "boolean") {
      return inputs.length ? inputs[0].checked : false;
    }
    if (type === "multiselect") {
      return checkedValues(field);
    }
    if (inputs.length && inputs[0].type === "radio") {
      return checkedValues(field)[0] || "";
    }
    return inputs.length ? inputs[0].value : "";
  }

  function sameShown(a, b) {
    if (isArray(a) && isArray(b)) {
      return a.length === b.length && a.join("\u0000") === b.join("\u0000");
    }
    return a === b;
  }

  function markChanged(field) {
    var original = field.getAttribute("data-prefill");
    var badge = field.querySelector("[data-formdef-badge]");
    if (!original || !badge) {
      return;
    }
    var changed = !sameShown(JSON.parse(original), shownValue(field));
    field.classList.toggle("formdef-changed", changed);
    badge.textContent = badge.getAttribute(changed ? "data-changed-label" : "data-label");
  }

  // --- wiring ---------------------------------------------------------------------------------

  function onEdit(event) {
    var form = event.target.closest && event.target.closest("[data-formdef]");
    if (!form) {
      return;
    }
    refresh(form);
    var field = event.target.closest("[data-formdef-field]");
    if (!field) {
      return;
    }
    var type = field.getAttribute("data-type");
    if (type === "id_number" || type === "uscc") {
      checkIdentifier(field, event.type === "change");
    }
    markChanged(field);
  }

  function onClick(event) {
    var target = event.target;
    var button = target.closest && target.closest("[data-formdef-add], [data-formdef-remove]");
    if (!button || !button.closest("[data-formdef]")) {
      return;
    }
    event.preventDefault();
    if (button.hasAttribute("data-formdef-add")) {
      addRow(button.closest("[data-formdef-section]"));
    } else {
      removeRow(button.closest("[data-formdef-row]"));
    }
  }

  function prepare(form) {
    form.setAttribute("data-formdef-ready", "");
    var sections = form.querySelectorAll("[data-formdef-section][data-repeat]");
    for (var i = 0; i < sections.length; i++) {
      // the spare blank row is for pages without scripts; here the add button replaces it
      var spares = sections[i].querySelectorAll("[data-formdef-spare]");
      for (var k = 0; k < spares.length; k++) {
        spares[k].parentNode.removeChild(spares[k]);
      }
      renumber(sections[i]);
    }
    refresh(form);
  }

  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var forms = Array.prototype.slice.call(scope.querySelectorAll("[data-formdef]"));
    if (scope.matches && scope.matches("[data-formdef]")) {
      forms.push(scope);
    }
    for (var i = 0; i < forms.length; i++) {
      if (!forms[i].hasAttribute("data-formdef-ready")) {
        prepare(forms[i]);
      }
    }
  }

  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);
  document.addEventListener("click", onClick);
  document.addEventListener("htmx:load", function (event) {
    init(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document);
    });
  } else {
    init(document);
  }

  window.govhallFormdef = {
    conditionEval: conditionEval,
    idNumberProblem: idNumberProblem,
    usccProblem: usccProblem,
    typedValue: typedValue,
    refresh: refresh,
    init: init,
  };
})();
