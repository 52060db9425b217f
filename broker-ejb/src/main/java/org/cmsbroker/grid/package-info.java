/**
 * Short-lived state shared by several broker instances, in Payara's Data Grid (the Hazelcast member
 * Payara Micro runs): {@link org.cmsbroker.grid.DataGrid} says whether there is a grid and gives
 * the stores their backing ({@link org.cmsbroker.grid.Grid}, {@link org.cmsbroker.grid.GridMap});
 * {@link org.cmsbroker.grid.GridCipher} protects every entry. With no cluster configured nothing
 * here runs and the stores stay in memory.
 *
 * <h2>Checked facts (Payara Micro 6.2025.10, Hazelcast 5.3.8.payara-1)</h2>
 *
 * <ul>
 *   <li><b>Cluster mode through the API.</b> {@code PayaraMicro} has no setter for {@code
 *       --clustermode} or {@code --interfaces}: those fields are filled only from the command line
 *       or the {@code payaramicro.clusterMode} / {@code payaramicro.interfaces} system properties,
 *       and those are read only on the command-line path ({@code scanArgs}), not by {@code
 *       getInstance().bootStrap()}. What {@code --clustermode tcpip:a:p,b:p} does is add the
 *       pre-boot commands {@code set hazelcast-runtime-configuration.tcpip-members=a:p,b:p} and
 *       {@code set hazelcast-runtime-configuration.discovery-mode=tcpip}; {@code --interfaces x}
 *       adds {@code set hazelcast-runtime-configuration.interface=x}. Without a cluster mode Micro
 *       adds {@code discovery-mode=multicast} itself. {@code bootStrap()} runs Micro's own pre-boot
 *       commands first and the {@code setPreBootHandler} afterwards, so the launcher's {@code set}
 *       lines win (source: {@code PayaraMicroImpl.configureHazelcast} and the order in {@code
 *       bootStrap}, checked in the 6.2025.10 byte code).
 *   <li><b>Port and name through the API.</b> {@code setClusterStartPort(int)} becomes {@code
 *       hazelcast-runtime-configuration.start-port}, the member's port (default 5900 in the runtime
 *       configuration, Micro's default 6900); {@code setHzClusterName(String)} becomes {@code
 *       cluster-group-name}, which {@code HazelcastCore} passes to {@code Config.setClusterName}.
 *       Hazelcast refuses a join request from a member of another cluster name, so the name is the
 *       membership check; open-source Hazelcast has no member authentication and no TLS (both are
 *       Enterprise features).
 *   <li><b>Discovery.</b> With {@code discovery-mode=tcpip} {@code HazelcastCore} enables {@code
 *       TcpIpConfig} with the listed members and disables multicast; the interface setting fills
 *       {@code InterfacesConfig} (binding to that address).
 *   <li><b>Single instance.</b> {@code setNoHazelcast(true)} (not {@code setNoCluster}, which Micro
 *       then ignores) starts no Hazelcast and listens on no cluster port; the launcher keeps it
 *       when {@code BROKER_CLUSTER_MEMBERS} is empty.
 *   <li><b>Reaching the grid from the application.</b> {@code HazelcastCore} binds the instance in
 *       JNDI at {@code payara/Hazelcast} (and a JCache {@code CachingProvider} at {@code
 *       payara/CachingProvider}, a {@code CacheManager} at {@code payara/CacheManager}); Payara's
 *       CDI also offers {@code @Inject HazelcastInstance} and {@code fish.payara.cdi.jsr107}'s
 *       {@code @NamedCache}. The broker looks the instance up in JNDI, only when clustered, and
 *       uses Hazelcast's own {@code IMap}: JCache has no per-entry time to live on {@code
 *       putIfAbsent}, {@code IMap} has ({@code putIfAbsent(k, v, ttl, unit)}, {@code set(k, v, ttl,
 *       unit)}, {@code setTtl}), and its {@code remove(k)}, {@code remove(k, v)} and {@code
 *       replace(k, old, new)} are the atomic operations the stores need. Entry processors are not
 *       used: they would make members deserialise the application's classes.
 * </ul>
 *
 * <h2>Protection</h2>
 *
 * The cluster name is HMAC-SHA256(secret, "cms-broker cluster-name v1") in hex ({@link
 * org.cmsbroker.settings.ClusterName}), so a member started without the secret is refused. The grid
 * holds only {@code byte[]} values sealed with AES-256-GCM under a key derived from the secret
 * (HKDF-SHA256), with the map and the entry name as associated data, and entry names that are HMACs
 * of the broker's keys: whoever reaches the port reads nothing useful and cannot forge or move
 * state. The join handshake itself is not encrypted, so the cluster port must be reachable by the
 * members only (README, "Running several instances").
 */
package org.cmsbroker.grid;
