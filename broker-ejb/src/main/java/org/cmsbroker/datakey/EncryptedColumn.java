package org.cmsbroker.datakey;

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
 */
public record EncryptedColumn(
    String table,
    String column,
    String idColumn,
    String field,
    boolean fieldNamesRow,
    boolean plainInOldRows) {

  /** The field name for the value of row {@code rowId}. */
  public String fieldOf(String rowId) {
    return fieldNamesRow ? field + rowId : field;
  }

  /** {@code table.column}. */
  public String name() {
    return table + "." + column;
  }
}
