import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local on the loopback interface only. The jar has no option for the address:
 * its Jetty server listens on every interface, so anyone on the network could read and write the
 * local tables. This builds the server from the jar's own command-line arguments, as the jar's
 * main does, and sets the host of its connectors before starting it. The jar keeps the server in
 * a private field, hence the reflection; the test of the listening address notices if that breaks.
 * Run as a source file (java LoopbackDynamoDbLocal.java ...), so nothing compiled is committed.
 */
public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
  }
}
