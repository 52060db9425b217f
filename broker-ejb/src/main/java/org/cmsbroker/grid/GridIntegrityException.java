package org.cmsbroker.grid;

/**
 * A value in the data grid that was not sealed under this cluster's secret for the entry it sits
 * in: forged, moved or corrupted. The entry is treated as absent. Fixed message, no data.
 */
public final class GridIntegrityException extends Exception {
  private static final long serialVersionUID = 1L;

  public GridIntegrityException() {
    super("A data grid value failed authentication");
  }
}
