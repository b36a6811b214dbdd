// ragdr-drill: the drill sandbox. See sandbox/drillenvironment.h.
#include "sandbox/drillenvironment.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

using namespace ragdr;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ragdr-drill"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RAGDR_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The drill sandbox: a real PostgreSQL with the RAG database, backup repositories and a "
        "profile for ragdr, all in one directory.\n\n"
        "  up      create (first time) and start the sandbox\n"
        "  down    stop what runs; remove nothing\n"
        "  status  say what runs"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("up | down | status"));
    const QCommandLineOption dirOption(QStringLiteral("dir"),
                                       QStringLiteral("The sandbox directory."),
                                       QStringLiteral("DIR"));
    const QCommandLineOption
        rowsOption(QStringLiteral("rows"),
                   QStringLiteral("Chunks to seed when the sandbox is created (default %1).")
                       .arg(sandbox::DrillEnvironment::kDefaultRows),
                   QStringLiteral("N"));
    parser.addOption(dirOption);
    parser.addOption(rowsOption);
    parser.process(app);

    auto usage = [&](const QString &why) {
        std::fprintf(stderr,
                     "ragdr-drill: %s\n\n%s",
                     qPrintable(why),
                     qPrintable(parser.helpText()));
        return 2;
    };
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1)
        return usage(QStringLiteral("expected one command"));
    if (!parser.isSet(dirOption))
        return usage(QStringLiteral("--dir DIR is required"));
    int rows = sandbox::DrillEnvironment::kDefaultRows;
    if (parser.isSet(rowsOption)) {
        bool ok = false;
        rows = parser.value(rowsOption).toInt(&ok);
        if (!ok || rows < 10 || rows > 50'000'000)
            return usage(QStringLiteral("--rows expects a number from 10 to 50000000"));
    }

    sandbox::DrillEnvironment env(parser.value(dirOption));
    const auto say = [](const QString &line) {
        std::fprintf(stderr, "ragdr-drill: %s\n", qPrintable(line));
    };
    const QString command = args.constFirst();
    core::Status done;
    if (command == QLatin1String("up")) {
        done = env.up(rows, say);
    } else if (command == QLatin1String("down")) {
        done = env.down(say);
    } else if (command == QLatin1String("status")) {
        std::printf("%s\n", qPrintable(env.status()));
        return 0;
    } else {
        return usage(QStringLiteral("unknown command \"%1\"").arg(command));
    }
    if (!done) {
        std::fprintf(stderr, "ragdr-drill: %s\n", qPrintable(done.error().message));
        return core::exitCodeFor(done.error().kind);
    }
    return 0;
}
