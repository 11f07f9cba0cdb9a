/*
 * sockdiag_count: what the kernel can do, the reference the benchmark holds port_usage_exporter to.
 *
 * Asks the kernel over NETLINK_SOCK_DIAG, with the tightest plain C loop, for what the exporter counts:
 *
 *   sockdiag_count listeners   TCP LISTEN sockets (states 1<<TCP_LISTEN) and unconnected UDP sockets
 *                              (1<<TCP_CLOSE), IPv4 and IPv6: listeners per (protocol, family, port), with
 *                              INET_DIAG_SKMEMINFO asked for in the same dumps, as the exporter does: the
 *                              accept queue, its limit (TCP) and the drops summed per key.
 *   sockdiag_count both        the same, then every non-LISTEN TCP socket of both families: those whose
 *                              local port has a TCP listener of the same family, per (family, port, state).
 *
 * Prints one line per key, tab-separated:
 *   saturation  tcp|udp  ipv4|ipv6  PORT  QUEUE  LIMIT  DROPS
 *   listeners  tcp|udp  ipv4|ipv6  PORT  COUNT
 *   connections  tcp  ipv4|ipv6  PORT  STATE  COUNT
 * Exits 1 with a message on stderr if the kernel answers a dump with an error.
 *
 * Build (scripts/bench.sh does): cc -O2 -Wall -Wextra -o sockdiag_count Benchmarks/Reference/sockdiag_count.c
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { TCP_ESTABLISHED_ = 1, TCP_CLOSE_ = 7, TCP_LISTEN_ = 10, TCP_STATES = 13 };

static const char *const state_names[TCP_STATES] = {
    "unknown", "established", "syn_sent", "syn_recv", "fin_wait1", "fin_wait2", "time_wait",
    "close", "close_wait", "last_ack", "listen", "closing", "new_syn_recv",
};

/* listeners[protocol][family][port]: protocol 0 tcp, 1 udp; family 0 ipv4, 1 ipv6. */
static uint32_t listeners[2][2][65536];
/* The listeners' accept queues, their limits and drops, summed the same way. */
static uint64_t queues[2][2][65536], limits[2][2][65536], drops[2][2][65536];
/* connections[family][port][state], only for ports with a TCP listener of that family. */
static uint32_t (*connections)[65536][TCP_STATES];

/* One recv: the kernel puts at most one ~32 KiB skb of a dump into a read, so 64 KiB never truncates. */
static char buffer[65536] __attribute__((aligned(NLMSG_ALIGNTO)));

typedef void (*record_fn)(const struct nlmsghdr *h, int family_index);

static int family_index(int family) { return family == AF_INET6; }

/* SK_MEMINFO_DROPS of the message's INET_DIAG_SKMEMINFO, 0 when it has none. */
static uint32_t socket_drops(const struct nlmsghdr *h) {
    const struct inet_diag_msg *m = NLMSG_DATA(h);
    int length = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *m);
    for (const struct rtattr *a = (const struct rtattr *)(m + 1); RTA_OK(a, length); a = RTA_NEXT(a, length))
        if (a->rta_type == INET_DIAG_SKMEMINFO && RTA_PAYLOAD(a) >= (int)((SK_MEMINFO_DROPS + 1) * sizeof(uint32_t)))
            return ((const uint32_t *)RTA_DATA(a))[SK_MEMINFO_DROPS];
    return 0;
}

static void count_listener(const struct nlmsghdr *h, int p, int f) {
    const struct inet_diag_msg *m = NLMSG_DATA(h);
    uint16_t port = ntohs(m->id.idiag_sport);
    listeners[p][f][port]++;
    if (p == 0) {
        queues[p][f][port] += m->idiag_rqueue;
        limits[p][f][port] += m->idiag_wqueue;
    }
    drops[p][f][port] += socket_drops(h);
}

static void count_listener_tcp(const struct nlmsghdr *h, int f) { count_listener(h, 0, f); }
static void count_listener_udp(const struct nlmsghdr *h, int f) { count_listener(h, 1, f); }

static void count_connection(const struct nlmsghdr *h, int f) {
    const struct inet_diag_msg *m = NLMSG_DATA(h);
    uint16_t port = ntohs(m->id.idiag_sport);
    if (listeners[0][f][port] != 0 && m->idiag_state < TCP_STATES) connections[f][port][m->idiag_state]++;
}

/* Dumps the sockets of (family, protocol) in `states`, with the extensions `ext`, and hands each to `record`. */
static void dump(int fd, int family, int protocol, uint32_t states, uint8_t ext, record_fn record) {
    static uint32_t sequence;
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message = {
        .header = {.nlmsg_len = sizeof message, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
                   .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = ++sequence},
        .request = {.sdiag_family = (uint8_t)family, .sdiag_protocol = (uint8_t)protocol, .idiag_ext = ext,
                    .idiag_states = states},
    };
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
        perror("sock_diag send");
        exit(1);
    }
    int f = family_index(family);
    for (;;) {
        ssize_t length = recv(fd, buffer, sizeof buffer, 0);
        if (length < 0) {
            if (errno == EINTR) continue;
            perror("sock_diag recv");
            exit(1);
        }
        if (length == 0) {
            fprintf(stderr, "sock_diag: end of stream before NLMSG_DONE\n");
            exit(1);
        }
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (size_t)length); h = NLMSG_NEXT(h, length)) {
            if (h->nlmsg_seq != sequence) continue;
            if (h->nlmsg_type == NLMSG_DONE) {
                int status = h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ? *(int *)NLMSG_DATA(h) : 0;
                if (status < 0) {
                    fprintf(stderr, "sock_diag dump: %s\n", strerror(-status));
                    exit(1);
                }
                return;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *error = NLMSG_DATA(h);
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof *error)) {
                    fprintf(stderr, "sock_diag: truncated NLMSG_ERROR\n");
                    exit(1);
                }
                if (error->error == 0) continue; /* an acknowledgement */
                fprintf(stderr, "sock_diag (family %d, protocol %d): %s\n", family, protocol, strerror(-error->error));
                exit(1);
            }
            if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY && h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
                record(h, f);
        }
    }
}

int main(int argc, char **argv) {
    int both = argc == 2 && strcmp(argv[1], "both") == 0;
    if (argc != 2 || (!both && strcmp(argv[1], "listeners") != 0)) {
        fprintf(stderr, "usage: %s listeners|both\n", argv[0]);
        return 2;
    }
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
        perror("socket(NETLINK_SOCK_DIAG)");
        return 1;
    }
    static const int families[2] = {AF_INET, AF_INET6};
    const uint8_t memory = 1u << (INET_DIAG_SKMEMINFO - 1);
    for (int i = 0; i < 2; i++) {
        dump(fd, families[i], IPPROTO_TCP, 1u << TCP_LISTEN_, memory, count_listener_tcp);
        dump(fd, families[i], IPPROTO_UDP, 1u << TCP_CLOSE_, memory, count_listener_udp);
    }
    if (both) {
        connections = calloc(2, sizeof *connections);
        if (connections == NULL) return 1;
        /* Every state but LISTEN; asking for SYN_RECV also brings the listeners' request sockets. */
        uint32_t states = ((1u << TCP_STATES) - 1) & ~(1u << TCP_LISTEN_) & ~1u;
        for (int i = 0; i < 2; i++) dump(fd, families[i], IPPROTO_TCP, states, 0, count_connection);
    }
    close(fd);

    static const char *const protocol_names[2] = {"tcp", "udp"}, *const family_names[2] = {"ipv4", "ipv6"};
    for (int p = 0; p < 2; p++)
        for (int f = 0; f < 2; f++)
            for (int port = 0; port < 65536; port++)
                if (listeners[p][f][port]) {
                    printf("saturation\t%s\t%s\t%d\t%llu\t%llu\t%llu\n", protocol_names[p], family_names[f], port,
                           (unsigned long long)queues[p][f][port], (unsigned long long)limits[p][f][port],
                           (unsigned long long)drops[p][f][port]);
                    printf("listeners\t%s\t%s\t%d\t%u\n", protocol_names[p], family_names[f], port, listeners[p][f][port]);
                }
    if (both)
        for (int f = 0; f < 2; f++)
            for (int port = 0; port < 65536; port++) {
                if (!listeners[0][f][port]) continue;
                for (int s = 0; s < TCP_STATES; s++)
                    if (connections[f][port][s])
                        printf("connections\ttcp\t%s\t%d\t%s\t%u\n", family_names[f], port, state_names[s],
                               connections[f][port][s]);
            }
    return 0;
}
