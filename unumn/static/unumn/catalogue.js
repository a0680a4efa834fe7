/* The catalogue without full page loads.

   The catalogue is a plain GET form that works without JavaScript. With it,
   ticking a box, choosing a sort, removing a chip or turning a page fetches
   the same address the form would, swaps the changed parts of the page in,
   and keeps the address bar in step (so Back and Forward work). The result
   count is a live region: screen readers announce it after each change. */
(function () {
  "use strict";

  var form = document.querySelector("[data-catalogue]");
  if (!form || !window.fetch || !window.history.pushState || !window.DOMParser) {
    return;
  }
  document.documentElement.classList.add("js");

  var panel = form.querySelector("[data-filters-panel]");
  var narrow = window.matchMedia("(max-width: 55.99rem)");
  if (panel && narrow.matches) {
    panel.open = false; // on a phone the filters start folded away: results first
  }

  var pending = null;

  function addressOf(formElement) {
    var params = new URLSearchParams();
    new FormData(formElement).forEach(function (value, key) {
      if (value !== "") {
        params.append(key, value);
      }
    });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function swap(doc) {
    form.querySelectorAll("[data-region]").forEach(function (region) {
      var fresh = doc.querySelector('[data-region="' + region.dataset.region + '"]');
      if (!fresh) {
        return;
      }
      if (region.dataset.region === "count") {
        region.innerHTML = fresh.innerHTML; // same node: the live region announces it
      } else {
        region.replaceWith(fresh);
      }
    });
    var query = doc.getElementById("id_q");
    form.querySelector("#id_q").value = query ? query.value : "";
    document.title = doc.title;
  }

  function load(url, push) {
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    var focused = document.activeElement && document.activeElement.id;
    form.setAttribute("aria-busy", "true");
    return fetch(url, {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      signal: pending.signal
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        if (!doc.querySelector("[data-catalogue]")) {
          throw new Error("not a catalogue page");
        }
        swap(doc);
        if (push) {
          window.history.pushState({ catalogue: true }, "", url);
        }
        var again = focused && document.getElementById(focused);
        if (again) {
          again.focus();
        }
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          window.location.href = url; // fall back to an ordinary page load
        }
      })
      .finally(function () {
        form.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches('input[type="checkbox"], select')) {
      load(addressOf(form), true);
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(addressOf(form), true);
  });

  form.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
      return;
    }
    var url = new URL(link.href, window.location.href);
    if (url.origin === window.location.origin && url.pathname === window.location.pathname) {
      event.preventDefault();
      load(url.pathname + url.search + url.hash, true);
    }
  });

  window.addEventListener("popstate", function () {
    load(window.location.pathname + window.location.search, false);
  });
})();
