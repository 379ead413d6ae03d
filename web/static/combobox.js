// A type-ahead over the search query, following the ARIA combobox pattern:
// the input keeps focus, arrows move the active option, Enter picks it,
// Escape closes the list.

import { search } from "./api.js";
import { kindLabel } from "./graph.js";

export class Combobox {
  // input and list are the combobox's elements; onPick(entity) is called with
  // the chosen search result; onError(err) with a failed search.
  constructor(input, list, { onPick, onError, onStatus } = {}) {
    this.input = input;
    this.list = list;
    this.onPick = onPick || (() => {});
    this.onError = onError || (() => {});
    this.onStatus = onStatus || (() => {});
    this.items = [];
    this.active = -1;
    this.timer = 0;
    this.controller = null;
    this.chosen = null; // the entity last picked, while the text still shows its name

    input.addEventListener("input", () => {
      this.chosen = null;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.lookup(), 150);
    });
    input.addEventListener("keydown", (e) => this.key(e));
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    list.addEventListener("mousedown", (e) => e.preventDefault()); // keep focus in the input
    list.addEventListener("click", (e) => {
      const li = e.target.closest("[role=option]");
      if (li) this.pick(Number(li.dataset.index));
    });
  }

  // set shows an entity as chosen without searching.
  set(entity) {
    this.chosen = entity;
    this.input.value = entity ? entity.name : "";
    this.close();
  }

  async lookup() {
    const text = this.input.value.trim();
    if (this.controller) this.controller.abort();
    if (!/[\p{L}\p{N}]/u.test(text)) {
      this.render([]);
      return;
    }
    this.controller = new AbortController();
    const signal = this.controller.signal;
    try {
      const found = await search(text, { signal });
      if (signal.aborted) return;
      this.render(found);
      if (!found.length) this.onStatus(`Nothing found for “${text}”.`);
      else this.onStatus(`${found.length} match${found.length === 1 ? "" : "es"} for “${text}”. Use the arrow keys to choose.`);
    } catch (err) {
      if (err.name === "AbortError") return;
      this.render([]);
      this.onError(err);
    }
  }

  render(items) {
    this.items = items;
    this.active = items.length ? 0 : -1;
    this.list.replaceChildren();
    if (!items.length && this.input.value.trim() && document.activeElement === this.input) {
      const li = document.createElement("li");
      li.className = "none";
      li.setAttribute("role", "option");
      li.setAttribute("aria-disabled", "true");
      li.textContent = "Nothing found";
      this.list.append(li);
      this.open();
      return;
    }
    items.forEach((it, i) => {
      const li = document.createElement("li");
      li.id = `${this.list.id}-${i}`;
      li.setAttribute("role", "option");
      li.dataset.index = String(i);
      li.dataset.id = it.id;
      li.dataset.testid = "search-option";
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = it.name;
      const kind = document.createElement("span");
      kind.className = `kind kind-${it.kind.toLowerCase()}`;
      kind.textContent = kindLabel(it.kind);
      li.append(name, kind);
      if (it.description) {
        const d = document.createElement("span");
        d.className = "desc";
        d.textContent = it.description;
        li.append(d);
      }
      this.list.append(li);
    });
    if (items.length) this.open();
    else this.close();
    this.highlight();
  }

  open() {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  highlight() {
    [...this.list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === this.active)));
    if (this.active >= 0 && this.list.children[this.active]) {
      const li = this.list.children[this.active];
      this.input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  key(e) {
    const n = this.items.length;
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (this.list.hidden && n) this.open();
        else if (n) this.active = (this.active + 1) % n;
        this.highlight();
        break;
      case "ArrowUp":
        e.preventDefault();
        if (n) this.active = (this.active - 1 + n) % n;
        this.highlight();
        break;
      case "Enter":
        if (!this.list.hidden && this.active >= 0) {
          e.preventDefault();
          this.pick(this.active);
        }
        break;
      case "Escape":
        if (!this.list.hidden) {
          e.preventDefault();
          this.close();
        }
        break;
    }
  }

  pick(i) {
    const it = this.items[i];
    if (!it) return;
    this.chosen = it;
    this.input.value = it.name;
    this.close();
    this.onPick(it);
  }
}
