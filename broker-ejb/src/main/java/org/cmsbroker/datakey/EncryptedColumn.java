package org.cmsbroker.datakey;

import java.util.function.BiFunction;
import org.cmsbroker.crypto.FieldCipher;

/**
 * A column whose values are encrypted with {@link org.cmsbroker.crypto.FieldCipher}, and how: the
 * field name each value is bound to (with the row's id), and whether rows written before the column
 * was encrypted may still hold it plain.
 *
 * @param table the table
 * @param column the encrypted column
 * @param idColumn the column holding the row id the values are bound to (the primary key)
 * @param field the field name the values are encrypted under
 * @param fieldNamesRow whether the field name is {@code field} followed by the row id (per-client
 *     secrets, whose older {@code v1:} values were bound to the client that way)
 * @param plainInOldRows whether rows from before this column was encrypted hold plain values, which
 *     are read as they are and encrypted by the next rotation
 * @param indexColumn a column holding a blind index of the value, which rows with a plain value
 *     hold in its old (plain) form and which is set along with the encryption; null when none
 * @param index makes the blind index from the plaintext; null when no {@code indexColumn}
 */
public record EncryptedColumn(
    String table,
    String column,
    String idColumn,
    String field,
    boolean fieldNamesRow,
    boolean plainInOldRows,
    String indexColumn,
    BiFunction<FieldCipher, String, String> index) {

  /** A column with no blind index beside it. */
  public EncryptedColumn(
      String table,
      String column,
      String idColumn,
      String field,
      boolean fieldNamesRow,
      boolean plainInOldRows) {
    this(table, column, idColumn, field, fieldNamesRow, plainInOldRows, null, null);
  }

  /** The field name for the value of row {@code rowId}. */
  public String fieldOf(String rowId) {
    return fieldNamesRow ? field + rowId : field;
  }

  /** {@code table.column}. */
  public String name() {
    return table + "." + column;
  }
}
