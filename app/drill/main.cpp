// ragdr-drill: the drill sandbox. See sandbox/drillenvironment.h and sandbox/drillkube.h.
#include "sandbox/drillenvironment.h"
#include "sandbox/drillkube.h"
#include "sandbox/drillllm.h"
#include "sandbox/drillservices.h"
#include "sandbox/geminisimulator.h"
#include "sandbox/kubecluster.h"
#include "sandbox/kubeserve.h"
#include "sandbox/llmserve.h"

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
    parser.setApplicationDescription(
        QStringLiteral(
            "The drill sandbox: a real PostgreSQL with the RAG database, backup "
            "repositories, simulated Kubernetes API servers (one per region, for kubectl "
            "and the console), a simulated Gemini, the RAG API of each region, a webhook "
            "receiver and a profile for ragdr, all in one directory.\n\n"
            "  up           create (first time) and start the sandbox\n"
            "  down         stop what runs; remove nothing\n"
            "  status       say what runs\n"
            "  fault NAME   inject a fault into a simulated cluster: %1;\n"
            "               into the simulated Gemini (--endpoint E, default the "
            "primary): %2;\n"
            "               or into the simulated RAG API and webhook receiver: %3\n"
            "  heal         remove every injected fault (also: fault heal)")
            .arg(sandbox::KubeCluster::faultNames().join(QStringLiteral(", ")),
                 sandbox::GeminiSimulator::faultNames().join(QStringLiteral(", ")),
                 sandbox::DrillServices::faultNames().join(QStringLiteral(", "))));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("up | down | status | fault NAME | heal"));
    const QCommandLineOption dirOption(QStringLiteral("dir"),
                                       QStringLiteral("The sandbox directory."),
                                       QStringLiteral("DIR"));
    const QCommandLineOption
        rowsOption(QStringLiteral("rows"),
                   QStringLiteral("Chunks to seed when the sandbox is created (default %1).")
                       .arg(sandbox::DrillEnvironment::kDefaultRows),
                   QStringLiteral("N"));
    const QCommandLineOption podsOption(QStringLiteral("pods"),
                                        QStringLiteral(
                                            "Run N rag-worker pods per region (a large cluster)."),
                                        QStringLiteral("N"));
    const QCommandLineOption
        regionOption(QStringLiteral("region"),
                     QStringLiteral("The cluster a fault or heal applies to (a context such as "
                                    "drill-b, or all)."),
                     QStringLiteral("R"));
    parser.addOption(dirOption);
    parser.addOption(rowsOption);
    parser.addOption(podsOption);
    const QCommandLineOption
        endpointOption(QStringLiteral("endpoint"),
                       QStringLiteral(
                           "The simulated Gemini endpoint an llm-* fault or heal applies to "
                           "(gemini-primary, gemini-backup or all)."),
                       QStringLiteral("E"));
    parser.addOption(regionOption);
    parser.addOption(endpointOption);
    parser.process(app);

    auto usage = [&](const QString &why) {
        std::fprintf(stderr,
                     "ragdr-drill: %s\n\n%s",
                     qPrintable(why),
                     qPrintable(parser.helpText()));
        return 2;
    };
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        return usage(QStringLiteral("expected a command"));
    if (!parser.isSet(dirOption))
        return usage(QStringLiteral("--dir DIR is required"));
    const QString command = args.constFirst();
    const QString dir = parser.value(dirOption);
    // `serve` is what `up` starts in the background; it is not meant to be typed.
    if (command == QLatin1String("serve"))
        return sandbox::KubeServe::run(sandbox::DrillEnvironment(dir).dir());
    if (command == QLatin1String("serve-llm"))
        return sandbox::LlmServe::run(sandbox::DrillEnvironment(dir).dir());

    sandbox::DrillEnvironment::UpOptions options;
    if (parser.isSet(rowsOption)) {
        bool ok = false;
        options.rows = parser.value(rowsOption).toInt(&ok);
        if (!ok || options.rows < 10 || options.rows > 50'000'000)
            return usage(QStringLiteral("--rows expects a number from 10 to 50000000"));
    }
    if (parser.isSet(podsOption)) {
        bool ok = false;
        options.pods = parser.value(podsOption).toInt(&ok);
        if (!ok || options.pods < 1 || options.pods > 20'000)
            return usage(QStringLiteral("--pods expects a number from 1 to 20000"));
    }

    sandbox::DrillEnvironment env(dir);
    const auto say = [](const QString &line) {
        std::fprintf(stderr, "ragdr-drill: %s\n", qPrintable(line));
    };
    core::Status done;
    if (command == QLatin1String("up")) {
        done = env.up(options, say);
    } else if (command == QLatin1String("down")) {
        done = env.down(say);
    } else if (command == QLatin1String("status")) {
        std::printf("%s\n", qPrintable(env.status()));
        return 0;
    } else if (command == QLatin1String("fault") || command == QLatin1String("heal")) {
        sandbox::DrillKube kube(env.dir());
        sandbox::DrillLlm llm(env.dir());
        const QString region = parser.value(regionOption);
        const QString endpoint = parser.value(endpointOption);
        const bool heal = command == QLatin1String("heal")
                          || args.value(1) == QLatin1String("heal");
        if (!heal && args.size() != 2)
            return usage(QStringLiteral("fault expects one fault name"));
        const bool llmFault = !heal && args.at(1).startsWith(QLatin1String("llm-"));
        core::Result<QJsonObject> result;
        if (llmFault) {
            result = llm.inject(args.at(1), endpoint);
        } else if (heal && parser.isSet(endpointOption)) {
            result = llm.heal(endpoint);
        } else {
            result = heal ? kube.heal(region) : kube.inject(args.at(1), region);
            if (result && heal && llm.isRunning())
                result = llm.heal(QString());
        }
        if (!result) {
            done = core::fail(result.error());
        } else {
            QStringList lines = llmFault ? QStringList() : kube.statusLines();
            if (llmFault || heal)
                lines.append(llm.statusLines());
            for (const QString &line : std::as_const(lines))
                std::printf("%s\n", qPrintable(line));
        }
    } else {
        return usage(QStringLiteral("unknown command \"%1\"").arg(command));
    }
    if (!done) {
        std::fprintf(stderr, "ragdr-drill: %s\n", qPrintable(done.error().message));
        return core::exitCodeFor(done.error().kind);
    }
    return 0;
}
