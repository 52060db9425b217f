// Mounts Stripe's embedded Checkout on the broker's payment page. Stripe.js (loaded before this
// script, from js.stripe.com) draws the form in Stripe's own frames; this script only hands it the
// publishable key and the Checkout Session's client secret from the page's JSON element, and shows
// a message when Stripe.js is not available. See docs/payment-page-scripts.md.
'use strict';
(function () {
  function element(id) {
    return document.getElementById(id);
  }

  function unavailable() {
    element('pay-loading').hidden = true;
    element('pay-unavailable').hidden = false;
    element('pay-page').setAttribute('data-state', 'unavailable');
  }

  function start() {
    var config;
    try {
      config = JSON.parse(element('pay-config').textContent);
    } catch (e) {
      unavailable();
      return;
    }
    if (typeof window.Stripe !== 'function') {
      unavailable();
      return;
    }
    var stripe;
    try {
      stripe = window.Stripe(config.publishableKey);
    } catch (e) {
      unavailable();
      return;
    }
    // Stripe.js renamed initEmbeddedCheckout to createEmbeddedCheckoutPage; take what is there.
    var create = stripe.createEmbeddedCheckoutPage || stripe.initEmbeddedCheckout;
    if (typeof create !== 'function') {
      unavailable();
      return;
    }
    var secret = config.clientSecret;
    Promise.resolve()
      .then(function () {
        return create.call(stripe, {
          fetchClientSecret: function () {
            return Promise.resolve(secret);
          }
        });
      })
      .then(function (checkout) {
        element('pay-loading').hidden = true;
        checkout.mount('#checkout');
        element('pay-page').setAttribute('data-state', 'mounted');
      })
      .catch(unavailable);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
