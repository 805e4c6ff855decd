// The header's search box: while one types, the best names from /search (JSON, same origin) as links.
(function () {
  "use strict";

  function row(hit) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = hit.page;
    link.textContent = hit.label;  // text, never markup: labels come from the data
    if (hit.name !== hit.label) {
      const note = document.createElement("small");
      note.textContent = " — " + hit.name;
      link.append(note);
    }
    const type = document.createElement("span");
    type.className = "type";
    type.textContent = hit.type.split(/[#/]/).pop();
    link.append(" ", type);
    item.append(link);
    return item;
  }

  function attach(form) {
    const input = form.querySelector("input[name=q]");
    const list = form.querySelector("ul.suggestions");
    let timer = null;
    let latest = "";

    function clear() {
      list.replaceChildren();
      list.hidden = true;
    }

    async function suggest() {
      const q = input.value.trim();
      latest = q;
      if (!q) {
        clear();
        return;
      }
      let hits = null;
      try {
        const response = await fetch(form.action + "?" + new URLSearchParams({q: q, limit: "8"}),
                                     {headers: {Accept: "application/json"}});
        if (response.ok) hits = await response.json();
      } catch (error) {
        hits = null;  // the plain form still works: Enter opens the results page
      }
      if (q !== latest) return;  // a later keystroke has asked again
      if (hits === null) {  // no answer for what is typed now: an earlier query's names would mislead
        clear();
        return;
      }
      list.replaceChildren(...hits.map(row));
      list.hidden = hits.length === 0;
    }

    function move(step) {
      const links = Array.from(list.querySelectorAll("a"));
      const at = links.indexOf(document.activeElement);
      const next = at + step;
      if (next < 0) input.focus();
      else if (next < links.length) links[next].focus();
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 120);
    });
    form.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !list.hidden) { event.preventDefault(); move(1); }
      else if (event.key === "ArrowUp" && !list.hidden) { event.preventDefault(); move(-1); }
      else if (event.key === "Escape") { list.hidden = true; input.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) list.hidden = true;
    });
  }

  document.querySelectorAll("header form.search").forEach(attach);
})();
