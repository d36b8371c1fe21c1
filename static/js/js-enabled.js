// The GOV.UK "js-enabled" class, from a file rather than an inline script:
// pages cached for everyone (the public site) carry no per-request nonce.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
