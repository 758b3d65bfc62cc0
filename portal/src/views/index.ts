// Every page module registers its routes and tabs when imported. A new feature adds its module here.
import './projects';
import './project/page';
import './project/repositories';
import './project/members';
import './project/robots';
import './project/small-tabs';
import './project/immutability';
import './project/settings';
import './repository';
import './artifact';
import './account';
import './admin/users';
import './admin/usergroups';
import './admin/simple';
import './admin/gc';
import './admin/jobs';
import './admin/system';
