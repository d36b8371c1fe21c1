// Start GOV.UK Frontend's components (accordion, error summary focus,
// notification banners, service navigation menu, ...). Loaded from
// templates/base.html as <script type="module">: no inline script, so the CSP
// needs no 'unsafe-inline'. The import is relative so it also resolves when
// WhiteNoise/ManifestStaticFilesStorage serves this file under a hashed name.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
