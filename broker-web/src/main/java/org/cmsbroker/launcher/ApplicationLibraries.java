package org.cmsbroker.launcher;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Deploys the broker as its own code plus one application library: the WAR without the third-party
 * jars of {@code WEB-INF/lib}, and {@code lib/broker-libraries.jar} (those same jars made into one
 * at build time, {@code src/assembly/libraries.xml}) given to Payara with {@code deploy
 * --libraries} and the deployment property {@code skipScanExternalLib=true}.
 *
 * <p><b>Why.</b> Before anything else, Payara parses every class of a WAR, the jars in {@code
 * WEB-INF/lib} included, into its class model (hk2's {@code Parser}, with ASM), whatever {@code
 * scanning-exclude} says; the web container then looks through each of those jars for web fragments
 * and initializers, and CDI for bean archives. The libraries are 22,864 classes (Stripe's SDK
 * 10,662, Bouncy Castle 7,200), the broker's own code 525. An application library with {@code
 * skipScanExternalLib} is left out of all of that and is loaded by the application's library class
 * loader (above the WAR's, below Payara's common one, so Payara's own modules never see it and it
 * never shadows their copies of Jackson or ASM, as jars added to Payara Micro's launcher class path
 * would). Measured on the 2-core machine, three starts each with a fresh data directory: 15.9 /
 * 18.1 / 17.0 s to the first HTTPS 200 against 20.0 / 23.2 / 19.9 s, and 420 against 467 MiB
 * resident just after. One jar, because Payara gives each application library a class loader of its
 * own, and the libraries use each other (Nimbus's OpenID Connect SDK its lang-tag, for one). The
 * WAR as built stays whole: Payara Server (the EAR) and Arquillian deploy it as it is.
 */
final class ApplicationLibraries {
  /** Where the WAR keeps its jars. */
  static final String LIB = "WEB-INF/lib/";

  /** Jars of the broker's own code stay in the WAR: they hold its beans, entities and resources. */
  static final String OWN_PREFIX = "broker-";

  /** The libraries' jar, in the distribution's {@code lib/}. */
  static final String JAR = "broker-libraries.jar";

  private ApplicationLibraries() {}

  /** Writes {@code source} to {@code war} without the third-party jars of {@code WEB-INF/lib}. */
  static void writeApplication(Path source, Path war) throws IOException {
    try (InputStream raw = Files.newInputStream(source);
        ZipInputStream in = new ZipInputStream(new BufferedInputStream(raw, 1 << 16));
        OutputStream file = Files.newOutputStream(war);
        ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(file, 1 << 16))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (isLibrary(entry.getName())) {
          continue;
        }
        ZipEntry copy = new ZipEntry(entry.getName());
        if (entry.getLastModifiedTime() != null) {
          copy.setLastModifiedTime(entry.getLastModifiedTime());
        }
        out.putNextEntry(copy);
        in.transferTo(out);
        out.closeEntry();
      }
    }
  }

  /** Whether the WAR entry {@code name} is a third-party jar directly in {@code WEB-INF/lib}. */
  static boolean isLibrary(String name) {
    if (!name.startsWith(LIB) || !name.endsWith(".jar")) {
      return false;
    }
    String file = name.substring(LIB.length());
    return file.indexOf('/') < 0 && !file.startsWith(OWN_PREFIX);
  }

  /**
   * The {@code deploy} command (name and operands) that deploys {@code war} at "/" under {@code
   * name} with {@code libraries} as its library, left out of class scanning.
   */
  static List<String> deployCommand(String name, Path war, Path libraries) {
    return List.of(
        "deploy",
        "--name",
        name,
        "--contextroot",
        "/",
        "--libraries",
        libraries.toString(),
        "--properties",
        "skipScanExternalLib=true",
        war.toString());
  }
}
