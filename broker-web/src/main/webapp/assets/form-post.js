// OAuth 2.0 Form Post Response Mode: submits the page's form (the answer for the site) at once.
'use strict';
document.getElementById('form-post').submit();
