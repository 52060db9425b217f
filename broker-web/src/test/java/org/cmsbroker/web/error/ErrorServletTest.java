package org.cmsbroker.web.error;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.ejb.EJBException;
import java.time.Duration;
import org.cmsbroker.crypto.PasswordHashingBusyException;
import org.junit.jupiter.api.Test;

class ErrorServletTest {

  @Test
  void findsTheHashingCapacityRefusalWrappedByTheContainer() {
    PasswordHashingBusyException busy = new PasswordHashingBusyException(Duration.ofSeconds(1));
    Throwable wrapped = new jakarta.servlet.ServletException(new EJBException(busy));

    assertSame(busy, ErrorServlet.busy(wrapped));
  }

  @Test
  void anyOtherFailureIsNotACapacityRefusal() {
    assertNull(ErrorServlet.busy(new IllegalStateException("bug")));
    assertNull(ErrorServlet.busy(null));
  }
}
