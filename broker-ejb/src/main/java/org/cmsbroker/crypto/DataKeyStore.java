package org.cmsbroker.crypto;

import java.util.List;

/** Where the wrapped data keys are kept (the {@code data_key} table). Thread-safe. */
public interface DataKeyStore {
  /** Every data key, in any order. */
  List<StoredDataKey> all();

  /**
   * Adds a key, committed when this returns (whatever the caller's transaction does later), so no
   * value is ever encrypted under a key that was not kept.
   */
  void add(StoredDataKey key);
}
