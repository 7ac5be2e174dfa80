// Loaded with <script type="module" src="{% static 'js/init.js' %}"></script>.
// No inline script is allowed (strict CSP), so the body classes GOV.UK
// Frontend's page template normally adds inline are added here. Module
// scripts only run in browsers that GOV.UK Frontend supports, which is
// exactly the condition the inline script tests for.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
