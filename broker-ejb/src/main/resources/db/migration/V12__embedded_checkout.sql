-- Embedded payments: the Checkout Session's client_secret, which the broker's /pay page hands to
-- Stripe.js, kept as AES-256-GCM ciphertext (FieldCipher, field payment.checkout_client_secret).
ALTER TABLE payment ADD COLUMN checkout_client_secret_ciphertext VARCHAR(1024);

-- CSP violation reports of the broker's pages, aggregated: one row per page path, effective
-- directive and blocked origin (scheme://host[:port] or a CSP keyword, never a full URL), with a
-- count and the first and last time seen, so a flood of reports adds to counts instead of rows.
-- report_key is the SHA-256 (hex) of the three, so the key fits any database's index limits.
CREATE TABLE csp_report (
    report_key          VARCHAR(64)   PRIMARY KEY,
    page_path           VARCHAR(200)  NOT NULL,
    effective_directive VARCHAR(64)   NOT NULL,
    blocked_origin      VARCHAR(255)  NOT NULL,
    disposition         VARCHAR(16)   NOT NULL,
    report_count        BIGINT        NOT NULL,
    first_seen          TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen           TIMESTAMP WITH TIME ZONE NOT NULL,
    sample_user_agent   VARCHAR(200),
    CONSTRAINT csp_report_count CHECK (report_count > 0)
);
CREATE INDEX csp_report_last_seen ON csp_report (last_seen);
