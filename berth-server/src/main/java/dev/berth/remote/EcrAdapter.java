package dev.berth.remote;

import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.TargetRefusedException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.EcrClientBuilder;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.BatchDeleteImageResponse;
import software.amazon.awssdk.services.ecr.model.DescribeRepositoriesResponse;
import software.amazon.awssdk.services.ecr.model.ImageFailure;
import software.amazon.awssdk.services.ecr.model.ImageFailureCode;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Amazon ECR, as Harbor's {@code aws-ecr}: the endpoint is ECR's API ({@code
 * https://api.ecr.<region>.amazonaws.com}) or a registry ({@code
 * https://<account>.dkr.ecr.<region>.amazonaws.com}); the credential is an access key id and secret.
 * Through the AWS SDK (signed with SigV4, sent by Berth's outbound client): {@code
 * GetAuthorizationToken} gives the registry's address and a Basic login ({@code
 * base64(user:password)}) for its {@code /v2/} API; repositories are listed with {@code
 * DescribeRepositories} and created before a push ({@code CreateRepository}, ECR does not create them
 * on push); manifests are deleted with {@code BatchDeleteImage}.
 *
 * <p>{@code berth.replication.aws-ecr.endpoint} sends the API calls elsewhere (a VPC interface
 * endpoint, a FIPS endpoint, a local stand-in); the region is still the endpoint URL's.
 */
final class EcrAdapter extends DistributionAdapter {
    /** Harbor's pattern: account (for a registry URL), FIPS, region. */
    private static final Pattern URL = Pattern.compile(
            "https://(?:api|(\\d+)\\.dkr)\\.ecr(-fips)?\\.([\\w-]+)\\.(amazonaws\\.com(\\.cn)?|sc2s\\.sgov\\.gov|c2s\\.ic\\.gov)");

    private final Optional<URI> endpointOverride;
    private final ExchangedLogins logins;

    EcrAdapter(
            Optional<AdapterPattern> pattern,
            Optional<URI> endpointOverride,
            ExchangedLogins logins,
            OutboundHttp outbound,
            JsonMapper json) {
        super("aws-ecr", pattern, UnaryOperator.identity(), outbound, json);
        this.endpointOverride = endpointOverride;
        this.logins = logins;
    }

    /** The account id (empty for an API URL) and the region of an endpoint URL. */
    record Location(Optional<String> account, String region) {
        static Location of(String url) {
            Matcher m = URL.matcher(url == null ? "" : url);
            if (!m.find()) {
                throw new RemoteException(
                        "bad aws url: an ECR endpoint is https://api.ecr.<region>.amazonaws.com or https://<account>.dkr.ecr.<region>.amazonaws.com");
            }
            return new Location(Optional.ofNullable(m.group(1)), m.group(3));
        }
    }

    @Override
    public URI savedTarget(RemoteRegistry registry) {
        Location.of(registry.url());
        return endpointOverride.orElse(registry.uri());
    }

    @Override
    Session session(RemoteRegistry registry) {
        return logins.get(registry, () -> exchange(registry));
    }

    private ExchangedLogins.Login exchange(RemoteRegistry registry) {
        // without registryIds (deprecated by AWS): the token is good for every registry the key may use
        AuthorizationData data = call(
                        registry, ecr -> ecr.getAuthorizationToken().authorizationData())
                .stream()
                .findFirst()
                .orElseThrow(() -> new RemoteException("ECR returned no authorization token"));
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RemoteException("ECR returned an authorization token that is not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || data.proxyEndpoint() == null) {
            throw new RemoteException("ECR returned an authorization token without a user, password and registry");
        }
        URI registryBase;
        try {
            registryBase = URI.create(data.proxyEndpoint());
        } catch (IllegalArgumentException e) {
            throw new RemoteException("ECR named an invalid registry address");
        }
        Instant expires = data.expiresAt() == null ? Instant.now().plus(ExchangedLogins.LONGEST) : data.expiresAt();
        return new ExchangedLogins.Login(
                new Session(
                        registryBase,
                        Optional.of(new Credential(
                                Credential.BASIC, decoded.substring(0, colon), decoded.substring(colon + 1)))),
                expires);
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        return RegistryInfo.of(type(), List.of("image"), List.of(), false);
    }

    /** Through {@code DescribeRepositories}, page by page. */
    @Override
    public List<String> repositories(RemoteRegistry registry) {
        Location location = Location.of(registry.url());
        return call(registry, ecr -> {
            List<String> names = new ArrayList<>();
            String next = null;
            for (int page = 0; page < 10_000; page++) {
                String token = next;
                DescribeRepositoriesResponse response = ecr.describeRepositories(r -> {
                    location.account().ifPresent(r::registryId);
                    r.maxResults(1000).nextToken(token);
                });
                response.repositories().stream().map(Repository::repositoryName).forEach(names::add);
                next = response.nextToken();
                if (next == null || next.isEmpty()) {
                    break;
                }
            }
            return names;
        });
    }

    /** ECR refuses a push to a repository that does not exist: create it first, as Harbor does. */
    @Override
    public void prepareForPush(RemoteRegistry registry, String repository) {
        Location location = Location.of(registry.url());
        call(registry, ecr -> {
            try {
                ecr.describeRepositories(r -> {
                    location.account().ifPresent(r::registryId);
                    r.repositoryNames(repository);
                });
                return true;
            } catch (RepositoryNotFoundException e) {
                try {
                    ecr.createRepository(r -> {
                        location.account().ifPresent(r::registryId);
                        r.repositoryName(repository);
                    });
                } catch (RepositoryAlreadyExistsException created) {
                    // made meanwhile by another task
                }
                return true;
            }
        });
    }

    /** Through {@code BatchDeleteImage}: ECR's registry API does not delete. */
    @Override
    public boolean deleteManifest(
            RemoteRegistry registry, DistributionClient client, String repository, String digest) {
        Location location = Location.of(registry.url());
        BatchDeleteImageResponse response = call(
                registry,
                ecr -> ecr.batchDeleteImage(r -> {
                    location.account().ifPresent(r::registryId);
                    r.repositoryName(repository).imageIds(i -> i.imageDigest(digest));
                }));
        for (ImageFailure failure : response.failures()) {
            if (failure.failureCode() == ImageFailureCode.IMAGE_NOT_FOUND) {
                return false;
            }
            throw new RemoteException("ECR did not delete " + repository + "@" + digest + ": "
                    + failure.failureCodeAsString() + " " + failure.failureReason());
        }
        return !response.imageIds().isEmpty();
    }

    private <T> T call(RemoteRegistry registry, Function<EcrClient, T> operation) {
        Location location = Location.of(registry.url());
        Credential credential = registry.login()
                .orElseThrow(() -> new RemoteException("an ECR endpoint needs an access key id and secret"));
        EcrClientBuilder builder = EcrClient.builder()
                .region(Region.of(location.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(credential.accessKey(), credential.accessSecret())))
                .httpClient(new OutboundSdkHttpClient(apiClient(registry)));
        endpointOverride.ifPresent(builder::endpointOverride);
        try (EcrClient ecr = builder.build()) {
            return operation.apply(ecr);
        } catch (SdkException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TargetRefusedException refused) {
                    throw refused;
                }
            }
            throw new RemoteException("ECR: " + e.getMessage());
        }
    }
}
