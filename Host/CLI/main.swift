import Glibc
import TributaryHost

exit(HostCommands.main(Array(CommandLine.arguments.dropFirst())))
