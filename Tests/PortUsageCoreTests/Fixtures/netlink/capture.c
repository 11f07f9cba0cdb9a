// Captures sock_diag replies for the netlink fixtures (see README.md): opens a known population of
// loopback sockets in a new network namespace, dumps each table through NETLINK_SOCK_DIAG and writes every
// request and the raw bytes of its reply (all datagrams, concatenated) to the output directory. Prints
// each socket, decoded here with the kernel's own structs, to stdout (saved as summary.txt).
//
// Build and run as root (CAP_SYS_ADMIN for the namespace):
//   cc -O2 -Wall -Wextra -o /tmp/capture Tests/PortUsageCoreTests/Fixtures/netlink/capture.c
//   /tmp/capture Tests/PortUsageCoreTests/Fixtures/netlink > Tests/PortUsageCoreTests/Fixtures/netlink/summary.txt
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define PORT_ID 4242u
#define SEQUENCE_BASE 0x10000u

static const char *outdir;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int tcp_listener(int family, const char *address, int port, int v6only, int backlog) {
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
        inet_pton(AF_INET6, address, &a.sin6_addr);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind6");
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
        inet_pton(AF_INET, address, &a.sin_addr);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind4");
    }
    if (backlog >= 0 && listen(fd, backlog) < 0) die("listen");
    return fd;
}

static int udp_socket(int family, const char *address, int port, int v6only) {
    int fd = socket(family, SOCK_DGRAM, 0);
    if (fd < 0) die("socket");
    if (family == AF_INET6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
        inet_pton(AF_INET6, address, &a.sin6_addr);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind6");
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
        inet_pton(AF_INET, address, &a.sin_addr);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind4");
    }
    return fd;
}

// Connects a socket already bound by tcp_listener(..., backlog -1) or udp_socket.
static void connect_to(int fd, int family, const char *address, int port) {
    if (family == AF_INET6) {
        struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
        inet_pton(AF_INET6, address, &a.sin6_addr);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect6");
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
        inet_pton(AF_INET, address, &a.sin_addr);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect4");
    }
}

static void write_file(const char *name, const void *bytes, size_t count) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, bytes, count) != (ssize_t)count) die(path);
    close(fd);
}

static void print_socket(const struct nlmsghdr *h) {
    const struct inet_diag_msg *m = NLMSG_DATA(h);
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
    inet_ntop(m->idiag_family, m->id.idiag_src, src, sizeof src);
    inet_ntop(m->idiag_family, m->id.idiag_dst, dst, sizeof dst);
    printf("  family %d state %2d %s:%d -> %s:%d rqueue %u wqueue %u uid %u inode %s", m->idiag_family,
           m->idiag_state, src, ntohs(m->id.idiag_sport), dst, ntohs(m->id.idiag_dport), m->idiag_rqueue,
           m->idiag_wqueue, m->idiag_uid, m->idiag_inode ? "nonzero" : "0");
    int length = h->nlmsg_len - NLMSG_LENGTH(sizeof *m);
    for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, length); a = RTA_NEXT(a, length)) {
        if (a->rta_type == INET_DIAG_SKV6ONLY) printf(" v6only %d", *(unsigned char *)RTA_DATA(a));
        if (a->rta_type == INET_DIAG_CGROUP_ID) printf(" cgroup");
    }
    printf("\n");
}

// Sends one dump request and writes it to <name>.request.bin and the reply to <name>.bin.
static void dump(int nl, const char *name, int family, int protocol, unsigned states, const void *bytecode,
                 size_t bytecode_length, unsigned sequence) {
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
        struct rtattr attribute;
        unsigned char program[256];
    } message;
    memset(&message, 0, sizeof message);
    size_t length = NLMSG_LENGTH(sizeof message.request);
    if (bytecode_length) {
        message.attribute.rta_type = INET_DIAG_REQ_BYTECODE;
        message.attribute.rta_len = RTA_LENGTH(bytecode_length);
        memcpy(message.program, bytecode, bytecode_length);
        length += RTA_LENGTH(bytecode_length);
    }
    message.header.nlmsg_len = length;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.header.nlmsg_seq = sequence;
    message.request.sdiag_family = family;
    message.request.sdiag_protocol = protocol;
    message.request.idiag_states = states;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(nl, &message, length, 0, (struct sockaddr *)&kernel, sizeof kernel) != (ssize_t)length)
        die("sendto");
    char request_name[256];
    snprintf(request_name, sizeof request_name, "%s.request.bin", name);
    write_file(request_name, &message, length);

    static unsigned char reply[1 << 20];
    size_t total = 0;
    int done = 0;
    printf("%s: family %d protocol %d states 0x%x sequence 0x%x\n", name, family, protocol, states, sequence);
    while (!done) {
        static unsigned char buffer[65536];
        ssize_t n = recv(nl, buffer, sizeof buffer, 0);
        if (n < 0) die("recv");
        if (total + n > sizeof reply) die("reply too large");
        memcpy(reply + total, buffer, n);
        total += n;
        int left = n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type == NLMSG_DONE) {
                printf("  NLMSG_DONE %d\n", *(int *)NLMSG_DATA(h));
                done = 1;
            } else if (h->nlmsg_type == NLMSG_ERROR) {
                printf("  NLMSG_ERROR %d\n", ((struct nlmsgerr *)NLMSG_DATA(h))->error);
                done = 1;
            } else {
                print_socket(h);
            }
        }
    }
    char reply_name[256];
    snprintf(reply_name, sizeof reply_name, "%s.bin", name);
    write_file(reply_name, reply, total);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTPUT-DIRECTORY\n", argv[0]);
        return 2;
    }
    outdir = argv[1];
    // A namespace of our own: its loopback holds only the sockets opened below.
    if (unshare(CLONE_NEWNET) < 0) die("unshare(CLONE_NEWNET)");
    int control = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq lo = {0};
    strcpy(lo.ifr_name, "lo");
    if (ioctl(control, SIOCGIFFLAGS, &lo) < 0) die("SIOCGIFFLAGS");
    lo.ifr_flags |= IFF_UP;
    if (ioctl(control, SIOCSIFFLAGS, &lo) < 0) die("SIOCSIFFLAGS");
    close(control);

    // TCP listeners.
    int l1 = tcp_listener(AF_INET, "127.0.0.1", 17101, 0, 5);
    int l2 = tcp_listener(AF_INET, "0.0.0.0", 17102, 0, 17);
    int l3 = tcp_listener(AF_INET6, "::1", 17103, 1, 3);
    int l4 = tcp_listener(AF_INET6, "::", 17104, 0, 9);
    int l5 = tcp_listener(AF_INET6, "::", 17105, 1, 11);
    // 127.0.0.1:17201 -> 17101, accepted, 5 unread bytes on the accepted side.
    int c1 = tcp_listener(AF_INET, "127.0.0.1", 17201, 0, -1);
    connect_to(c1, AF_INET, "127.0.0.1", 17101);
    int a1 = accept(l1, NULL, NULL);
    if (write(c1, "hello", 5) != 5) die("write");
    // 127.0.0.1:17202 -> 17101, left in 17101's accept queue.
    int c2 = tcp_listener(AF_INET, "127.0.0.1", 17202, 0, -1);
    connect_to(c2, AF_INET, "127.0.0.1", 17101);
    // 127.0.0.1:17203 -> 17102, accepted; the client closes first and ends in TIME_WAIT.
    int c3 = tcp_listener(AF_INET, "127.0.0.1", 17203, 0, -1);
    connect_to(c3, AF_INET, "127.0.0.1", 17102);
    int a3 = accept(l2, NULL, NULL);
    close(c3);
    usleep(100000);
    close(a3);
    // [::1]:17204 -> [::1]:17103, left in the accept queue.
    int c4 = tcp_listener(AF_INET6, "::1", 17204, 1, -1);
    connect_to(c4, AF_INET6, "::1", 17103);
    // 127.0.0.1:17205 -> the dual-stack [::]:17104, accepted as ::ffff:127.0.0.1.
    int c5 = tcp_listener(AF_INET, "127.0.0.1", 17205, 0, -1);
    connect_to(c5, AF_INET, "127.0.0.1", 17104);
    int a5 = accept(l4, NULL, NULL);
    // UDP: bound, and connected.
    int u1 = udp_socket(AF_INET, "127.0.0.1", 17111, 0);
    int u2 = udp_socket(AF_INET, "0.0.0.0", 17112, 0);
    int u3 = udp_socket(AF_INET6, "::1", 17113, 1);
    int u4 = udp_socket(AF_INET6, "::", 17114, 0);
    int u5 = udp_socket(AF_INET, "127.0.0.1", 17115, 0);
    connect_to(u5, AF_INET, "127.0.0.1", 17111);
    int u6 = udp_socket(AF_INET6, "::1", 17116, 1);
    connect_to(u6, AF_INET6, "::1", 17113);
    usleep(100000);

    int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    struct sockaddr_nl self = {.nl_family = AF_NETLINK, .nl_pid = PORT_ID};
    if (nl < 0 || bind(nl, (struct sockaddr *)&self, sizeof self) < 0) die("netlink");

    const unsigned all = 0x1ffe, listen = 1u << 10, close_state = 1u << 7;
    unsigned sequence = SEQUENCE_BASE;
    dump(nl, "tcp4-listeners", AF_INET, IPPROTO_TCP, listen, NULL, 0, sequence++);
    dump(nl, "tcp6-listeners", AF_INET6, IPPROTO_TCP, listen, NULL, 0, sequence++);
    dump(nl, "udp4-listeners", AF_INET, IPPROTO_UDP, close_state, NULL, 0, sequence++);
    dump(nl, "udp6-listeners", AF_INET6, IPPROTO_UDP, close_state, NULL, 0, sequence++);
    dump(nl, "tcp4-connections", AF_INET, IPPROTO_TCP, all & ~listen, NULL, 0, sequence++);
    dump(nl, "tcp6-connections", AF_INET6, IPPROTO_TCP, all & ~listen, NULL, 0, sequence++);
    dump(nl, "tcp4-everything", AF_INET, IPPROTO_TCP, all, NULL, 0, sequence++);
    dump(nl, "udp4-everything", AF_INET, IPPROTO_UDP, all, NULL, 0, sequence++);
    dump(nl, "udp6-everything", AF_INET6, IPPROTO_UDP, all, NULL, 0, sequence++);
    // Connections whose local port is 17101 (one range: S_GE 17101, S_LE 17101; see LocalPortFilter).
    struct inet_diag_bc_op program[4] = {
        {INET_DIAG_BC_S_GE, 8, 20}, {0, 0, 17101}, {INET_DIAG_BC_S_LE, 8, 12}, {0, 0, 17101},
    };
    dump(nl, "tcp4-connections-17101", AF_INET, IPPROTO_TCP, all & ~listen, program, sizeof program,
         sequence++);
    // A protocol without a diag handler: the kernel answers NLMSG_ERROR -ENOENT.
    dump(nl, "unknown-protocol", AF_INET, 254, all, NULL, 0, sequence++);

    int fds[] = {l1, l2, l3, l4, l5, c1, a1, c2, c4, c5, a5, u1, u2, u3, u4, u5, u6};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) close(fds[i]);
    close(nl);
    return 0;
}
