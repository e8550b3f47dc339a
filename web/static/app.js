// Start GOV.UK Frontend's components (error summary focus, conditional reveals, …).
import { initAll } from "/govuk/govuk-frontend.min.js";

initAll();
