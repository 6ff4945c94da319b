import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  AssetHashType,
  DefaultStackSynthesizer,
  DockerImage,
  Duration,
  Fn,
  Stack,
  Token,
  Validations,
  type RemovalPolicy,
} from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_ROOT } from './local/console-server.js';

/** Where the console lives on its distribution, as on the local runtime (lib/local/console-server.ts). */
export const CONSOLE_PREFIX = 'console';

/** The API's paths the distribution passes on to the HTTP API: every route the console calls. */
export const API_PATH_PATTERN = '/v1/*';

export interface ConsoleSiteProps {
  /** The console's files: `consoleBuild()` in the stack, any directory in a test. */
  files: ISource;
  /**
   * The HTTP API's endpoint (`https://<id>.execute-api.<region>.amazonaws.com`), served on the
   * same distribution under `/v1/`: the console calls its own origin, as on the local runtime.
   */
  apiEndpoint: string;
  /** The Cognito hosted UI: the user pool domain (`<prefix>.auth.<region>.amazoncognito.com`) and the console client. */
  auth: { domain: string; clientId: string };
  /** The retailer's own host name for the console, with its ACM certificate (in us-east-1, for CloudFront). */
  customDomain?: { domainName: string; certificateArn: string };
  /** The log group of the function that copies the files into the bucket at each deployment. */
  deploymentLogs: { logGroupName: string; retention: RetentionDays };
  removalPolicy: RemovalPolicy;
}

/** Vite's command line, run with this Node: the same Vite as `npm run build:console`. */
const VITE = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');

/**
 * The console's build as a CDK asset: Vite builds web/ straight into the asset's directory when
 * the stack is synthesized (`npx cdk synth` or `deploy`), so `web/dist` is never needed, nor
 * committed, nor Docker. Synthesis without bundling (the infra tests, `BUNDLING_STACKS` empty)
 * skips the build, as it skips esbuild for the functions.
 */
export function consoleBuild(): ISource {
  return Source.asset(CONSOLE_ROOT, {
    // The output's hash, not web/'s: the build depends on the locked Vite and Preact too, and an
    // unchanged build (Vite's output is deterministic) is not uploaded again.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // The CDK's type asks for an image; the local build below always answers (or fails), so
      // no container is ever started.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
      local: {
        tryBundle(outputDir) {
          execFileSync(
            process.execPath,
            [
              VITE,
              'build',
              '--config',
              join(CONSOLE_ROOT, 'vite.config.ts'),
              '--outDir',
              outputDir,
              '--emptyOutDir',
              // Vite's size report: what a deployment serves, file by file, raw and gzip.
              '--logLevel',
              'info',
            ],
            { stdio: ['ignore', 'inherit', 'inherit'] },
          );
          return true;
        },
      },
    },
  });
}

/**
 * The console as a static site: a private S3 bucket that only CloudFront reads (origin access
 * control), HTTPS only, the security headers the local runtime also sends, and `config.json`
 * written at deploy time from the stack's user pool, so one build serves every stage. The API is
 * on the same distribution under `/v1/` (never cached), so the console calls its own origin as it
 * does locally: no CORS, no preflight round trip, HTTP/2 and 3 to the API.
 * Hashed assets are cached for a year; the page and its configuration are revalidated each time.
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution or custom domain>/console/`: the console client's callback URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    });
    const authOrigin = props.auth.domain.startsWith('https://')
      ? props.auth.domain
      : `https://${props.auth.domain}`;
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'OMS console: same headers as lib/local/console-server.ts, plus HSTS',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            // The API is 'self'; the code is traded for tokens at the hosted UI's token endpoint.
            `connect-src 'self' ${authOrigin}`,
            "frame-ancestors 'none'",
            "base-uri 'self'",
            `form-action 'self' ${authOrigin}`,
          ].join('; '),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    // CloudFront serves a default object at the root only; the console's page is /console/.
    const indexPages = new CloudFrontFunction(this, 'IndexPages', {
      comment: 'OMS console: /console/ is /console/index.html, / goes to /console/',
      code: FunctionCode.fromInline(`function handler(event) {
  var uri = event.request.uri;
  if (uri === '/' || uri === '/${CONSOLE_PREFIX}') {
    return { statusCode: 308, statusDescription: 'Permanent Redirect', headers: { location: { value: '/${CONSOLE_PREFIX}/' } } };
  }
  if (uri.endsWith('/')) event.request.uri = uri + 'index.html';
  return event.request;
}`),
    });
    const apiHost = Fn.select(2, Fn.split('/', props.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'OMS console and its API',
      httpVersion: HttpVersion.HTTP2_AND_3,
      ...(props.customDomain && {
        domainNames: [props.customDomain.domainName],
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: indexPages, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        [API_PATH_PATTERN]: {
          origin: new HttpOrigin(apiHost, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          // A redirect would turn a POST into a GET: plain HTTP is refused instead.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Every answer is the signed-in person's own; nothing is cached, so the Authorization
          // header may travel in the origin request (CloudFront refuses it in a cached behavior's).
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // API Gateway answers only to its own host name, so the viewer's Host stays behind.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
    });
    const host = props.customDomain?.domainName ?? this.distribution.distributionDomainName;
    this.url = `https://${host}/${CONSOLE_PREFIX}/`;

    // The copier's own role and log group, as every function of ours has (lib/functions.ts): the
    // default role carries the AWS-managed AWSLambdaBasicExecutionRole, which may write to every
    // log group in the account. BucketDeployment grants the role what it copies and invalidates.
    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', {
      logGroupName: props.deploymentLogs.logGroupName,
      retention: props.deploymentLogs.retention,
      removalPolicy: props.removalPolicy,
    });
    const deploymentRole = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: "Copies the console's files into its bucket at each deployment",
    });
    deploymentLogs.grantWrite(deploymentRole);
    const deployment = { role: deploymentRole, logGroup: deploymentLogs };

    const assets = new BucketDeployment(this, 'Assets', {
      ...deployment,
      sources: [props.files],
      exclude: ['index.html'],
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${CONSOLE_PREFIX}/`,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      // Old hashed assets stay: a page loaded before a deployment still finds its script.
      prune: false,
    });
    const page = new BucketDeployment(this, 'Page', {
      ...deployment,
      sources: [
        props.files,
        Source.jsonData('config.json', {
          // Empty: the API is on the page's own origin (API_PATH_PATTERN), as on the local runtime.
          apiUrl: '',
          auth: { type: 'cognito', domain: props.auth.domain, clientId: props.auth.clientId },
        }),
      ],
      exclude: ['*'],
      include: ['index.html', 'config.json'],
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${CONSOLE_PREFIX}/`,
      cacheControl: [CacheControl.noCache()],
      prune: false,
      distribution: this.distribution,
      distributionPaths: [
        `/${CONSOLE_PREFIX}/`,
        `/${CONSOLE_PREFIX}/index.html`,
        `/${CONSOLE_PREFIX}/config.json`,
      ],
    });
    // The page names the assets, so it goes out once they are there.
    page.node.addDependency(assets);
    this.acknowledgeFindings(props, deploymentRole);
  }

  /** Findings of the AWS Solutions checks that do not apply to a static site, each with its reason. */
  private acknowledgeFindings(props: ConsoleSiteProps, deploymentRole: Role): void {
    const acknowledge = (scope: Construct, findings: Record<string, string>) => {
      for (const [id, reason] of Object.entries(findings)) Validations.of(scope).acknowledge({ id, reason });
    };
    acknowledge(this.bucket, {
      'AwsSolutions-S1': 'Static build output read only by CloudFront; the requests are the distribution’s.',
    });
    acknowledge(this.distribution, {
      'AwsSolutions-CFR1': 'Store staff and customer service work from many countries.',
      'AwsSolutions-CFR2':
        'Static files, and an API whose every route is throttled by its stage and authorized by the JWT authorizer or a channel signature.',
      'AwsSolutions-CFR3':
        "Static files, no personal data in the requests; the API's access log records every call it serves, with its caller.",
      ...(!props.customDomain && {
        'AwsSolutions-CFR4':
          "The default CloudFront certificate; a retailer's own domain (customDomain) sets the TLS 1.2 minimum with it.",
      }),
    });
    // The copier's grants are CDK's (BucketDeployment); cdk-nag names each wildcard of them as
    // a finding of its own.
    const stack = Stack.of(this);
    const rendered = (value: string, pseudo: string) =>
      Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
    const assetBucket = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${rendered(stack.account, 'AccountId')}-${rendered(stack.region, 'Region')}`;
    const consoleBucket = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const copier = 'CDK BucketDeployment copier';
    acknowledge(deploymentRole, {
      'AwsSolutions-IAM5[Action::s3:GetObject*]': `${copier}: reads the build from the CDK asset bucket (a grant of CDK).`,
      'AwsSolutions-IAM5[Action::s3:GetBucket*]': `${copier}: reads the build from the CDK asset bucket (a grant of CDK).`,
      'AwsSolutions-IAM5[Action::s3:List*]': `${copier}: lists what it copies and replaces (a grant of CDK).`,
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]': `${copier}: replaces the page and config.json (a grant of CDK).`,
      'AwsSolutions-IAM5[Action::s3:Abort*]': `${copier}: aborts an upload that failed (a grant of CDK).`,
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetBucket}/*]`]: `${copier}: the build's objects in the CDK asset bucket.`,
      [`AwsSolutions-IAM5[Resource::<${consoleBucket}.Arn>/*]`]: `${copier}: every object of the console's own bucket.`,
      'AwsSolutions-IAM5[Resource::*]': `${copier}: cloudfront:CreateInvalidation and GetInvalidation support no resource-level permissions.`,
    });
    // The copier itself is one function per stack, at the stack's root.
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      acknowledge(child, { 'AwsSolutions-L1': `${copier}: its runtime is chosen by aws-cdk-lib.` });
    }
  }
}
