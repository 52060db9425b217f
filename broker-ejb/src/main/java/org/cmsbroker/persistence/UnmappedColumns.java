package org.cmsbroker.persistence;

import java.util.List;

/**
 * The columns of the schema that no entity field maps (read and written with native SQL), each with
 * its {@link DataClass} class: the one place they are classified.
 */
public final class UnmappedColumns {
  /**
   * One column that no entity maps.
   *
   * @param table the table, lower case
   * @param column the column, lower case
   * @param level its class
   * @param atRest how it is kept
   * @param usedBy what reads and writes it
   */
  public record Column(
      String table, String column, DataClass.Level level, DataClass.AtRest atRest, String usedBy) {}

  /** Every column of the migrations that no entity field maps. */
  public static final List<Column> ALL =
      List.of(
          new Column(
              "stripe_event_lock",
              "stripe",
              DataClass.Level.PUBLIC,
              DataClass.AtRest.PLAIN,
              "webhook.StripeEventIntake (64 fixed lock rows, numbers 0 to 63)"));

  private UnmappedColumns() {}
}
