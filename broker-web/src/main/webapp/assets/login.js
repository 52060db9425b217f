// Encrypts a form's secret fields in the browser before they leave the page: a compact JWE
// (RFC 7516) with RSA-OAEP-256 key encryption and A256GCM content encryption, to the broker's
// current login key, together with the page's single-use challenge. Only the JWE is posted; the
// password fields have no name, so the browser never submits them in plaintext.
'use strict';
(function () {
  var encoder = new TextEncoder();

  function base64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = '';
    for (var i = 0; i < bytes.length; i++) {
      text += String.fromCharCode(bytes[i]);
    }
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  async function compactJwe(jwk, payload) {
    var rsaKey = await crypto.subtle.importKey(
      'jwk',
      { kty: jwk.kty, n: jwk.n, e: jwk.e, alg: 'RSA-OAEP-256', ext: true },
      { name: 'RSA-OAEP', hash: 'SHA-256' },
      false,
      ['encrypt']
    );
    var header = base64url(encoder.encode(JSON.stringify({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: jwk.kid })));
    var cek = crypto.getRandomValues(new Uint8Array(32));
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var encryptedKey = await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, rsaKey, cek);
    var aesKey = await crypto.subtle.importKey('raw', cek, { name: 'AES-GCM' }, false, ['encrypt']);
    cek.fill(0);
    var sealed = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: iv, additionalData: encoder.encode(header), tagLength: 128 },
        aesKey,
        encoder.encode(JSON.stringify(payload))
      )
    );
    var ciphertext = sealed.slice(0, sealed.length - 16);
    var tag = sealed.slice(sealed.length - 16);
    return [header, base64url(encryptedKey), base64url(iv), base64url(ciphertext), base64url(tag)].join('.');
  }

  function showError(form, message) {
    var region = document.getElementById(form.getAttribute('data-error-region'));
    if (region) {
      region.textContent = message;
      region.hidden = false;
    }
  }

  function setUp(form) {
    var configElement = document.getElementById(form.getAttribute('data-config'));
    if (!configElement) {
      return;
    }
    var config = JSON.parse(configElement.textContent);
    var fields = form.querySelectorAll('[data-jwe-member]');
    // With JavaScript the plaintext fields must never be submitted, even where the operator
    // allows a plaintext fallback for browsers without it.
    for (var i = 0; i < fields.length; i++) {
      fields[i].removeAttribute('name');
    }
    var notice = form.querySelector('.needs-javascript');
    if (notice) {
      notice.hidden = true;
    }
    var busy = false;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (busy) {
        return;
      }
      if (!window.crypto || !crypto.subtle) {
        showError(form, 'This browser cannot encrypt your password. Please use a current browser.');
        return;
      }
      var payload = { challenge: config.challenge };
      for (var j = 0; j < fields.length; j++) {
        payload[fields[j].getAttribute('data-jwe-member')] = fields[j].value;
      }
      var confirm = form.querySelector('[data-confirms]');
      if (confirm && confirm.value !== form.querySelector('[data-jwe-member="' + confirm.getAttribute('data-confirms') + '"]').value) {
        showError(form, 'The two new passwords are not the same.');
        return;
      }
      busy = true;
      compactJwe(config.key, payload).then(function (jwe) {
        form.querySelector('input[name="credentials"]').value = jwe;
        var secrets = form.querySelectorAll('input[type="password"]');
        for (var k = 0; k < secrets.length; k++) {
          secrets[k].value = '';
          secrets[k].removeAttribute('name');
        }
        form.submit();
      }).catch(function () {
        busy = false;
        showError(form, 'Your password could not be encrypted. Reload the page and try again.');
      });
    });
  }

  var forms = document.querySelectorAll('form[data-config]');
  for (var f = 0; f < forms.length; f++) {
    setUp(forms[f]);
  }
})();
