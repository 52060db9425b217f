/**
 * Accounts: the password policy (ASVS 5.0 V6.2, through Passay) with its shipped list of common and
 * breached passwords; account storage comes later.
 */
package org.cmsbroker.account;
