// Start GOV.UK Frontend's components (accordion, error summary focus,
// notification banners, service navigation menu, ...). Loaded from
// templates/base.html as <script type="module">: no inline script, so the CSP
// needs no 'unsafe-inline'. The import is relative so it also resolves when
// WhiteNoise/ManifestStaticFilesStorage serves this file under a hashed name.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

// GOV.UK Frontend focuses the error summary (or a success banner) as it
// starts, but a URL fragment moves focus again once the page has loaded:
// after the skip link, a form posted from ".../#main-content" (and the page
// it redirects to, which keeps the fragment) would leave focus on the body,
// and the problems or the success would not be announced. Whatever the
// fragment, the summary or banner wins, unless the person has moved focus
// themselves in the meantime.
const announced = document.querySelector(
  ".govuk-error-summary, .govuk-notification-banner[role='alert']",
);
if (announced && window.location.hash) {
  let named = null;
  try {
    named = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  } catch {
    // A malformed fragment names nothing.
  }
  const refocus = () => {
    const active = document.activeElement;
    if (active && active !== document.body && active !== named) {
      return;
    }
    if (!announced.hasAttribute("tabindex")) {
      announced.setAttribute("tabindex", "-1");
      announced.addEventListener(
        "blur",
        () => announced.removeAttribute("tabindex"),
        { once: true },
      );
    }
    announced.focus();
  };
  const afterLoad = () => requestAnimationFrame(() => setTimeout(refocus));
  if (document.readyState === "complete") {
    afterLoad();
  } else {
    window.addEventListener("load", afterLoad, { once: true });
  }
}

// A table stacked into rows on a narrow screen (`app-table-stack`, see
// app.css) is drawn with `display: block`, and some browsers then stop
// telling screen readers it is a table. The roles it already has, stated,
// keep its rows, cells and headers announced however it is drawn.
for (const table of document.querySelectorAll("table.app-table-stack")) {
  table.setAttribute("role", "table");
  for (const group of table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot")) {
    group.setAttribute("role", "rowgroup");
  }
  for (const row of table.querySelectorAll("tr")) {
    row.setAttribute("role", "row");
  }
  for (const cell of table.querySelectorAll("th")) {
    cell.setAttribute("role", cell.getAttribute("scope") === "row" ? "rowheader" : "columnheader");
  }
  for (const cell of table.querySelectorAll("td")) {
    cell.setAttribute("role", "cell");
  }
}
