package org.cmsbroker.datakey;

import java.util.List;
import org.cmsbroker.account.AccountService;
import org.cmsbroker.callback.CallbackOutbox;
import org.cmsbroker.client.ClientService;
import org.cmsbroker.login.JpaLoginKeyStore;
import org.cmsbroker.payment.PaymentService;
import org.cmsbroker.session.SessionService;
import org.cmsbroker.token.JpaSigningKeyStore;

/**
 * Every column encrypted under the data keys, which {@code admin rotate-data-key} re-encrypts. The
 * classification test checks that this is exactly the set of columns marked {@code
 * DataClass.AtRest.ENCRYPTED}, but for {@code data_key.wrapped_key} (wrapped by the master key).
 */
public final class EncryptedColumns {
  /** All of them. */
  public static final List<EncryptedColumn> ALL =
      List.of(
          new EncryptedColumn(
              "account",
              "username",
              "id",
              AccountService.USERNAME,
              false,
              true,
              "username_key",
              (cipher, username) ->
                  AccountService.usernameIndex(cipher, AccountService.usernameKey(username))),
          new EncryptedColumn(
              "account", "email_ciphertext", "id", AccountService.EMAIL, false, false),
          new EncryptedColumn(
              "account", "given_name_ciphertext", "id", AccountService.GIVEN_NAME, false, false),
          new EncryptedColumn(
              "account", "family_name_ciphertext", "id", AccountService.FAMILY_NAME, false, false),
          new EncryptedColumn(
              "payment",
              "donor_email_ciphertext",
              "id",
              PaymentService.DONOR_EMAIL_FIELD,
              false,
              false),
          new EncryptedColumn(
              "payment",
              "checkout_client_secret_ciphertext",
              "id",
              PaymentService.CLIENT_SECRET_FIELD,
              false,
              false),
          new EncryptedColumn(
              "callback_message", "payload_ciphertext", "id", CallbackOutbox.PAYLOAD, false, false),
          new EncryptedColumn(
              "signing_key",
              "private_jwk_ciphertext",
              "kid",
              JpaSigningKeyStore.FIELD,
              false,
              false),
          new EncryptedColumn(
              "login_key", "private_jwk_ciphertext", "kid", JpaLoginKeyStore.FIELD, false, false),
          new EncryptedColumn(
              "oauth_client",
              "callback_secret",
              "client_id",
              ClientService.CALLBACK_SECRET,
              true,
              false),
          new EncryptedColumn(
              "oauth_client",
              "civicrm_api_key",
              "client_id",
              ClientService.CIVICRM_API_KEY,
              true,
              false),
          new EncryptedColumn(
              "oauth_client",
              "civicrm_site_key",
              "client_id",
              ClientService.CIVICRM_SITE_KEY,
              true,
              false),
          new EncryptedColumn(
              "login_session", "csrf_token", "id_hash", SessionService.CSRF_FIELD, false, true),
          new EncryptedColumn(
              "login_session",
              "remote_ip",
              "id_hash",
              SessionService.REMOTE_IP_FIELD,
              false,
              true));

  private EncryptedColumns() {}
}
