#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `write(2)`, under a name that does not clash with the methods called `write`.
#if canImport(Glibc)
    let systemWrite = Glibc.write
#elseif canImport(Musl)
    let systemWrite = Musl.write
#elseif canImport(Darwin)
    let systemWrite = Darwin.write
#endif
